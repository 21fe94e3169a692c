import { targetIds } from '../domain/runtime-schedules';
import { serviceOf } from '../domain/runtime-services';
import { catalogWith, type RuntimeOnCallReader } from '../infra/runtime-oncall';
import { Context } from '@temporalio/activity';
import type { RunbookMeta } from '../domain/runbook';
import { metrics, notificationKind } from '../infra/metrics';
import { checkRunbookParams } from '../infra/runbook-params';
import type {
  MajorResponsePlan,
  AlertEvent,
  Incident,
  IncidentSeverity,
  PlannedDelivery,
  SlaTarget,
  TargetRef,
  TimelineEntry,
  UnreachableTarget,
} from '../domain/incident';
import { noEscalationPolicy } from '../domain/incident';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { postmortemWorkflowId } from '../workflows/postmortem/ids';
import { failureMessage } from '../domain/failure';
import { saveRefusedType } from '../domain/incident';
import { isDocumentRefusal, isDuplicateKeyError } from '../infra/mongo';
import { optionalIncidentFields, toIncidentDocument, type Models } from '../infra/models';
import { saveTimelineEntries } from '../infra/timeline-store';
import { majorResponseSettings, type OnCallCatalog } from '../domain/oncall';
import { policySnapshot } from '../domain/escalation';
import {
  peopleReached,
  planDeliveries,
  roundRobinTargets,
  stepTargetsNow,
} from '../domain/notification-plan';
import { nextTurn } from '../infra/round-robin';
import { mayActOn, personById, type RightsScope } from '../domain/rights';
import { userActor } from '../domain/actors';
import { resolveRunbooks } from '../domain/runbook-selection';
import { type TriageOutcome, triage } from '../domain/triage';
import { holdForNewIncident } from './maintenance';
import type { TriageRules } from '../domain/triage-types';

export interface IncidentActivityDeps {
  models: Pick<Models, 'Incident' | 'TimelinePage' | 'RoundRobinTurns'>;
  /** How long a round-robin turn waits for MongoDB before one from the incident's id stands in. */
  lookupTimeoutMs?: number;
  triageRules: TriageRules;
  catalog: OnCallCatalog;
  /** The schedules and overrides made at run time (API, CLI, web UI). */
  runtimeOnCall: RuntimeOnCallReader;
  /** Metadata of the runbooks in the workflow bundle. */
  runbookMetas: RunbookMeta[];
  slaTargets: Record<IncidentSeverity, SlaTarget>;
}

type TriageResultOf = ReturnType<typeof triage>;

/** How old a read of the on-call model made at run time may be when a page is planned. */
const RUNTIME_MODEL_FRESH_MS = 1000;

/**
 * An alert no rule matched pages with its service's escalation policy and
 * team, when the model has that service and it names them (as PagerDuty
 * routes by service); the rule then reads `service:<id>`.
 */
async function withServiceDefaults(
  deps: Pick<IncidentActivityDeps, 'triageRules'>,
  catalogNoWait: () => Promise<OnCallCatalog>,
  matched: TriageResultOf,
  serviceId: string,
): Promise<TriageResultOf> {
  if (matched.ruleId !== deps.triageRules.defaultRule.id) return matched;
  const service = serviceOf(await catalogNoWait(), serviceId);
  if (!service?.escalationPolicy && !service?.team) return matched;
  return {
    ...matched,
    ruleId: `service:${service.id}`,
    ...(service.team ? { team: service.team } : {}),
    ...(service.escalationPolicy ? { escalationPolicyId: service.escalationPolicy } : {}),
  };
}

/** A major incident's bridge, from its team's or policy's settings in the catalog. */
function majorResponsePlan(catalog: OnCallCatalog, team: string, policyId: string): MajorResponsePlan {
  const settings = majorResponseSettings(catalog, team, policyId);
  return {
    ...(settings?.bridgeUrl ? { bridgeUrl: settings.bridgeUrl } : {}),
    ...(settings?.bridgeWebhook && !settings.bridgeUrl ? { bridgeWebhook: true } : {}),
  };
}

export function createIncidentActivities(deps: IncidentActivityDeps) {
  // The catalog file with the model made at run time, merged once per read.
  const catalogOf = catalogWith(deps.catalog);
  // Pages share reads, and wait on none while MongoDB is away: a change applies from the next page.
  const catalogNow = async () => catalogOf(await deps.runtimeOnCall.forPage(RUNTIME_MODEL_FRESH_MS));
  // Opening an incident never waits on MongoDB for a service's defaults: the last copy read (the
  // worker reads it every few seconds).
  const catalogNoWait = () => Promise.resolve(catalogOf(deps.runtimeOnCall.lastKnown()));
  // Read now, unless MongoDB was not answering: for what a shared read may predate.
  const catalogReadAgain = async (catalog: OnCallCatalog) =>
    deps.runtimeOnCall.answered ? catalogOf(await deps.runtimeOnCall.current()) : catalog;
  return {
    /**
     * Applies the triage rules and snapshots the escalation policy. Done in an
     * activity so that editing rules never changes a running incident's replay.
     */
    async triageAlert(event: AlertEvent): Promise<TriageOutcome> {
      const matched = await withServiceDefaults(
        deps,
        catalogNoWait,
        triage(event, deps.triageRules),
        event.service,
      );
      const { runbooks, warnings } = resolveRunbooks(
        matched.runbooks,
        event,
        deps.runbookMetas,
        checkRunbookParams,
      );
      const result = { ...matched, runbooks, sla: deps.slaTargets[matched.severity] };
      // A policy not in the file: in the last copy read, else read now unless MongoDB was not answering.
      let catalog = policySnapshot(deps.catalog, result.escalationPolicyId)
        ? deps.catalog
        : await catalogNoWait();
      if (!policySnapshot(catalog, result.escalationPolicyId)) catalog = await catalogReadAgain(catalog);
      // A rule naming a missing policy must not lose the incident: use the default rule's policy, else none.
      let policy = policySnapshot(catalog, result.escalationPolicyId);
      if (!policy) {
        warnings.push(
          `escalation policy ${result.escalationPolicyId} (rule ${result.ruleId}) does not exist`,
        );
        const fallbackId = deps.triageRules.defaultRule.escalationPolicy;
        policy = policySnapshot(catalog, fallbackId) ?? noEscalationPolicy();
        warnings.push(`using escalation policy ${policy.id} instead`);
      }
      const response = result.major ? majorResponsePlan(catalog, result.team, policy.id) : undefined;
      const maintenance = await holdForNewIncident(deps, { ...result, service: event.service });
      return {
        triage: { ...result, escalationPolicyId: policy.id },
        policy,
        warnings,
        ...(response ? { response } : {}),
        ...(maintenance ? { maintenance } : {}),
      };
    },

    /**
     * Saves the incident and its new timeline entries. Idempotent: entries are
     * keyed by incident and sequence, and an older version never overwrites a newer one.
     */
    async saveIncident(input: SaveIncidentInput): Promise<void> {
      if (input.startPostmortem) await startPostmortemOf(input.incident);
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
      /** The incident's escalation policy: a level's targets are read from it as it is now. */
      policyId?: string;
    }): Promise<{ deliveries: PlannedDelivery[]; unreachable: UnreachableTarget[]; people?: string[] }> {
      metrics.escalations.inc({ kind: notificationKind(input.key) });
      let catalog = await catalogNow();
      // A target made since the shared read (a team made a moment ago): read again.
      const known = targetIds(catalog);
      if (input.targets.some((t) => !known[t.type].has(t.id))) catalog = await catalogReadAgain(catalog);
      const at = new Date(input.at);
      const targets = await targetsOfStep(deps, catalog, input, at);
      return {
        // A person with neither email nor channels may still have contact methods: their pager tells.
        ...planDeliveries(catalog, targets, at, input.key, { contactMethods: true }),
        people: peopleReached(catalog, targets, at).filter((id) => personById(catalog, id)),
      };
    },

    /**
     * Who may approve a runbook run on the incident: the people these targets
     * reach at `at` whose rights let them decide approvals on it (`user:<person id>`).
     */
    async approversFor(input: {
      targets: TargetRef[];
      at: string;
      incident: RightsScope;
    }): Promise<string[]> {
      const catalog = await catalogNow();
      return peopleReached(catalog, input.targets, new Date(input.at)).flatMap((id) => {
        const person = personById(catalog, id);
        const may = person && mayActOn(person, 'approvals:decide', input.incident) === undefined;
        return may ? [userActor(id)] : [];
      });
    },
  };
}

/** What an escalation step pages now: the policy's targets, one person of them on a round-robin level. */
async function targetsOfStep(
  deps: Pick<IncidentActivityDeps, 'models' | 'lookupTimeoutMs'>,
  catalog: OnCallCatalog,
  input: { targets: TargetRef[]; key: string; policyId?: string },
  at: Date,
): Promise<TargetRef[]> {
  const step = stepTargetsNow(catalog, input.policyId, input.key, input.targets);
  if (!step.roundRobin) return step.targets;
  const turn = await nextTurn(
    deps.models,
    `${input.policyId}:l${step.level}`,
    Context.current().info.workflowExecution?.workflowId ?? input.key,
    deps.lookupTimeoutMs ?? 1000,
  );
  return roundRobinTargets(catalog, step.targets, at, turn);
}

/**
 * Writes the timeline entries, then the incident unless a newer version is
 * stored. `abandoned` turns true once the caller has stopped waiting for this
 * write (by default, once the activity is cancelled).
 */
export async function saveIncidentDocument(
  deps: Pick<IncidentActivityDeps, 'models'>,
  input: { incident: Incident; timeline: TimelineEntry[] },
  abandoned: () => boolean = () => Context.current().cancellationSignal.aborted,
): Promise<void> {
  const { incident, timeline } = input;
  await saveTimelineEntries(deps.models.TimelinePage, incident.incidentId, timeline);
  const { _id, ...fields } = toIncidentDocument(incident);
  // Read the stored version, then write by `_id` alone, rather than one update
  // filtered on `{ _id, version: { $lt } }`: MongoDB-wire servers such as
  // FerretDB look up only a bare `_id` filter by key and scan the whole
  // collection for anything else, which at a few thousand incidents made every
  // save a full scan. The workflow runs one save at a time, so the only racer
  // is an earlier attempt of the same save that timed out (or an escalation
  // step's save it stopped waiting for); such a save is abandoned, and an
  // abandoned save does not start its write.
  const stored = await deps.models.Incident.findById(_id, { version: 1 }).lean<{ version?: number }>();
  if (stored && (stored.version ?? 0) >= incident.version) return; // stale: a newer version is stored
  if (abandoned()) return;
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

export interface SaveIncidentInput {
  incident: Incident;
  timeline: TimelineEntry[];
  /** Starts a resolved incident's post-mortem (once), before the save it waits for. */
  startPostmortem?: boolean;
}

/** Starts the post-mortem of a resolved incident, unless it was started before (an earlier attempt or save). */
async function startPostmortemOf(incident: Incident): Promise<void> {
  const { client, info } = Context.current();
  try {
    await client.workflow.start('postmortemWorkflow', {
      workflowId: postmortemWorkflowId(incident.incidentId),
      taskQueue: info.taskQueue,
      args: [{ incidentId: incident.incidentId }],
      staticSummary: `post-mortem of ${incident.incidentId}: ${incident.title}`.slice(0, 200),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
