import { withRuntimeOverrides } from '../domain/oncall-overrides';
import { RuntimeOverrideReader } from '../infra/oncall-overrides';
import { Context } from '@temporalio/activity';
import { ignoredFromAlertMessage, type RunbookMeta } from '../domain/runbook';
import { metrics, notificationKind } from '../infra/metrics';
import { checkRunbookParams, paramsFromAlert } from '../infra/runbook-params';
import type {
  MajorResponsePlan,
  AlertEvent,
  EscalationPolicySnapshot,
  Incident,
  IncidentSeverity,
  PlannedDelivery,
  RunbookInvocation,
  SlaTarget,
  TargetRef,
  TimelineEntry,
  TriageResult,
  UnreachableTarget,
} from '../domain/incident';
import { noEscalationPolicy } from '../domain/incident';
import { ApplicationFailure } from '@temporalio/common';
import { failureMessage } from '../domain/failure';
import { saveRefusedType } from '../domain/incident';
import { isDocumentRefusal, isDuplicateKeyError } from '../infra/mongo';
import { optionalIncidentFields, toIncidentDocument, type Models } from '../infra/models';
import { saveTimelineEntries } from '../infra/timeline-store';
import { whoIsOnCall } from '../domain/oncall-schedule';
import { majorResponseSettings, type OnCallCatalog } from '../domain/oncall';
import { triage } from '../domain/triage';
import type { TriageRules } from '../domain/triage-types';

export interface IncidentActivityDeps {
  models: Pick<Models, 'Incident' | 'TimelinePage' | 'ScheduleOverrides'>;
  triageRules: TriageRules;
  catalog: OnCallCatalog;
  /** The overrides made at run time (API, CLI, web UI); read from MongoDB unless given. */
  overrides?: RuntimeOverrideReader;
  /** Metadata of the runbooks in the workflow bundle. */
  runbookMetas: RunbookMeta[];
  slaTargets: Record<IncidentSeverity, SlaTarget>;
}

function appliesTo(meta: RunbookMeta, event: AlertEvent): boolean {
  const when = meta.appliesTo;
  if (!when) return false;
  if (when.service && !when.service.includes(event.service)) return false;
  if (when.severity && !when.severity.includes(event.severity)) return false;
  for (const [label, value] of Object.entries(when.labels ?? {})) {
    if (event.labels[label] !== value) return false;
  }
  return Boolean(when.service ?? when.severity ?? when.labels);
}

/**
 * The runbooks to run automatically: the rule's first, in its order, then those
 * whose `appliesTo` matches, in registry order; each once, with parameters
 * filled from the alert (those it accepts from alerts) and checked against the runbook's schema.
 */
export function resolveRunbooks(
  fromRule: RunbookInvocation[],
  event: AlertEvent,
  metas: RunbookMeta[],
): { runbooks: RunbookInvocation[]; warnings: string[] } {
  const wanted = [
    ...fromRule,
    ...metas.filter((m) => appliesTo(m, event)).map((m) => ({ id: m.id, params: {} })),
  ];
  const runbooks: RunbookInvocation[] = [];
  const warnings: string[] = [];
  for (const invocation of wanted) {
    if (runbooks.some((r) => r.id === invocation.id)) continue;
    const meta = metas.find((m) => m.id === invocation.id);
    if (!meta) {
      warnings.push(`runbook ${invocation.id} does not exist`);
      continue;
    }
    const { params, ignored } = paramsFromAlert(meta, invocation.params, event);
    const problems = checkRunbookParams(meta, params);
    if (problems.length > 0) {
      warnings.push(
        `runbook ${meta.id} not started: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}` +
          (ignored.length > 0 ? ` (${ignoredFromAlertMessage(ignored)})` : ''),
      );
      continue;
    }
    runbooks.push({ id: meta.id, params, ...(ignored.length > 0 ? { ignoredFromAlert: ignored } : {}) });
  }
  return { runbooks, warnings };
}

export function policySnapshot(
  catalog: OnCallCatalog,
  policyId: string,
): EscalationPolicySnapshot | undefined {
  const policy = catalog.policies.find((p) => p.id === policyId);
  if (!policy) return undefined;
  return {
    id: policy.id,
    name: policy.name,
    levels: policy.levels.map((level) => ({ delaySeconds: level.delaySeconds, targets: [...level.targets] })),
    repeat: policy.repeat ?? 0,
    fallback: [...(policy.fallback ?? [])],
  };
}

export function createIncidentActivities(deps: IncidentActivityDeps) {
  const overrides = deps.overrides ?? new RuntimeOverrideReader(deps.models);
  /** The catalog as of now: schedules-as-code with the overrides made since. */
  const catalogNow = async () => withRuntimeOverrides(deps.catalog, await overrides.current());
  return {
    /**
     * Applies the triage rules and snapshots the escalation policy. Done in an
     * activity so that editing rules never changes a running incident's replay.
     */
    async triageAlert(event: AlertEvent): Promise<{
      triage: TriageResult;
      policy: EscalationPolicySnapshot;
      warnings: string[];
      response?: MajorResponsePlan;
    }> {
      const matched = triage(event, deps.triageRules);
      const { runbooks, warnings } = resolveRunbooks(matched.runbooks, event, deps.runbookMetas);
      const result = { ...matched, runbooks, sla: deps.slaTargets[matched.severity] };
      // A rule naming a missing policy must not lose the incident: use the default rule's policy, else none.
      let policy = policySnapshot(deps.catalog, result.escalationPolicyId);
      if (!policy) {
        warnings.push(
          `escalation policy ${result.escalationPolicyId} (rule ${result.ruleId}) does not exist`,
        );
        const fallbackId = deps.triageRules.defaultRule.escalationPolicy;
        policy = policySnapshot(deps.catalog, fallbackId) ?? noEscalationPolicy();
        warnings.push(`using escalation policy ${policy.id} instead`);
      }
      const settings = result.major ? majorResponseSettings(deps.catalog, result.team, policy.id) : undefined;
      const response: MajorResponsePlan | undefined = result.major
        ? {
            ...(settings?.bridgeUrl ? { bridgeUrl: settings.bridgeUrl } : {}),
            ...(settings?.bridgeWebhook && !settings.bridgeUrl ? { bridgeWebhook: true } : {}),
          }
        : undefined;
      return {
        triage: { ...result, escalationPolicyId: policy.id },
        policy,
        warnings,
        ...(response ? { response } : {}),
      };
    },

    /**
     * Saves the incident and its new timeline entries. Idempotent: entries are
     * keyed by incident and sequence, and an older version never overwrites a newer one.
     */
    async saveIncident(input: { incident: Incident; timeline: TimelineEntry[] }): Promise<void> {
      try {
        await saveIncidentDocument(deps, input);
      } catch (err) {
        // A document MongoDB refuses is refused on every attempt: say so at once, so the
        // workflow records it and goes on, instead of retrying it for ever.
        if (isDocumentRefusal(err)) {
          throw ApplicationFailure.nonRetryable(
            `MongoDB refused incident ${input.incident.incidentId} v${input.incident.version}: ${failureMessage(err)}`,
            saveRefusedType,
          );
        }
        throw err;
      }
    },

    /** Turns escalation targets into deliveries: schedules to whoever is on call at `at`, people to their contacts. */
    async planNotifications(input: {
      targets: TargetRef[];
      at: string;
      key: string;
    }): Promise<{ deliveries: PlannedDelivery[]; unreachable: UnreachableTarget[] }> {
      metrics.escalations.inc({ kind: notificationKind(input.key) });
      return planDeliveries(await catalogNow(), input.targets, new Date(input.at), input.key);
    },

    /** Who may approve a runbook run: the people these targets reach at `at` (`user:<person id>`). */
    async approversFor(input: { targets: TargetRef[]; at: string }): Promise<string[]> {
      return peopleReached(await catalogNow(), input.targets, new Date(input.at)).map((id) => `user:${id}`);
    },
  };
}

/** Writes the timeline entries, then the incident unless a newer version is stored. */
async function saveIncidentDocument(
  deps: Pick<IncidentActivityDeps, 'models'>,
  input: { incident: Incident; timeline: TimelineEntry[] },
): Promise<void> {
  const { incident, timeline } = input;
  await saveTimelineEntries(deps.models.TimelinePage, incident.incidentId, timeline);
  const { _id, ...fields } = toIncidentDocument(incident);
  // Read the stored version, then write by `_id` alone, rather than one update
  // filtered on `{ _id, version: { $lt } }`: MongoDB-wire servers such as
  // FerretDB look up only a bare `_id` filter by key and scan the whole
  // collection for anything else, which at a few thousand incidents made every
  // save a full scan. The workflow runs one save at a time, so the only racer
  // is an earlier attempt of the same save that timed out; the worker cancels
  // such an attempt, and a cancelled attempt does not start its write.
  const stored = await deps.models.Incident.findById(_id, { version: 1 }).lean<{ version?: number }>();
  if (stored && (stored.version ?? 0) >= incident.version) return; // stale: a newer version is stored
  if (Context.current().cancellationSignal.aborted) return;
  try {
    await deps.models.Incident.updateOne(
      { _id },
      { $set: fields, ...unsetMissing(fields) },
      { upsert: true },
    );
  } catch (err) {
    // Two attempts racing to insert the same new incident: one inserted it, which is all either wanted.
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/** `$unset` for optional fields that were cleared (snoozedUntil after a snooze ends), if any. */
function unsetMissing(fields: Record<string, unknown>): { $unset?: Record<string, ''> } {
  const missing = optionalIncidentFields.filter((f) => fields[f] === undefined);
  return missing.length > 0 ? { $unset: Object.fromEntries(missing.map((f) => [f, ''])) } : {};
}

/** Pure: the person ids a set of targets reaches at an instant (people, and whoever schedules have on call); channels reach nobody in particular. */
export function peopleReached(catalog: OnCallCatalog, targets: TargetRef[], at: Date): string[] {
  const ids = new Set<string>();
  for (const target of targets) {
    if (target.type === 'person') ids.add(target.id);
    if (target.type === 'schedule') {
      const schedule = catalog.schedules.find((s) => s.id === target.id);
      const personId = schedule ? whoIsOnCall(schedule, at) : undefined;
      if (personId) ids.add(personId);
    }
  }
  return [...ids];
}

/** Pure: the deliveries for a set of targets at an instant. */
export function planDeliveries(
  catalog: OnCallCatalog,
  targets: TargetRef[],
  at: Date,
  key: string,
): { deliveries: PlannedDelivery[]; unreachable: UnreachableTarget[] } {
  const deliveries = new Map<string, PlannedDelivery>();
  const unreachable: UnreachableTarget[] = [];
  const add = (delivery: Omit<PlannedDelivery, 'deliveryId'>) => {
    const deliveryId = `${key}:${delivery.channelType}:${delivery.destination}`;
    // The same person reached through two targets gets one message.
    if (!deliveries.has(deliveryId)) deliveries.set(deliveryId, { ...delivery, deliveryId });
  };
  const addChannel = (channelId: string, via: string, target: TargetRef, personId?: string) => {
    const channel = catalog.channels.find((c) => c.id === channelId);
    if (!channel) unreachable.push({ target, reason: `channel ${channelId} is not in the catalog` });
    else
      add({
        channelType: channel.type,
        destination: channel.id,
        label: `${via}${channel.id} (${channel.type})`,
        ...(personId ? { personId } : {}),
      });
  };
  const addPerson = (personId: string, via: string, target: TargetRef) => {
    const person = catalog.people.find((p) => p.id === personId);
    if (!person) {
      unreachable.push({ target, reason: `person ${personId} is not in the catalog` });
      return;
    }
    if (!person.email && !person.channels?.length) {
      unreachable.push({ target, reason: `${person.name} has no email and no channels` });
      return;
    }
    if (person.email)
      add({
        channelType: 'email',
        destination: `person:${person.id}`,
        label: `${via}${person.id} (email)`,
        personId: person.id,
      });
    for (const channelId of person.channels ?? [])
      addChannel(channelId, `${via}${person.id} via `, target, person.id);
  };

  for (const target of targets) {
    switch (target.type) {
      case 'channel':
        addChannel(target.id, '', target);
        break;
      case 'person':
        addPerson(target.id, '', target);
        break;
      case 'schedule': {
        const schedule = catalog.schedules.find((s) => s.id === target.id);
        if (!schedule) {
          unreachable.push({ target, reason: `schedule ${target.id} is not in the catalog` });
          break;
        }
        const personId = whoIsOnCall(schedule, at);
        if (!personId) unreachable.push({ target, reason: `nobody is on call for ${schedule.name}` });
        else addPerson(personId, `schedule ${schedule.id} → `, target);
        break;
      }
    }
  }
  return { deliveries: [...deliveries.values()], unreachable };
}
