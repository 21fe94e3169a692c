import type { NotificationContext } from '../domain/incident';
import type { PostmortemStatus } from '../domain/postmortem';
import { isDuplicateKeyError } from '../infra/mongo';
import { fromIncidentDocument, toPostmortemDocument, type Models } from '../infra/models';
import type { OnCallCatalog } from '../domain/oncall';
import { buildPostmortem } from '../domain/postmortem-draft';
import { readWholeTimeline } from '../infra/timeline-store';
import { planDeliveries } from '../domain/notification-plan';
import type { DeliverInput } from './notifications';
import { postmortemIdOf } from '../workflows/postmortem/ids';

export interface PostmortemActivityDeps {
  models: Pick<Models, 'Incident' | 'TimelinePage' | 'Postmortem'>;
  catalog: OnCallCatalog;
  /** Review reminders: every interval until published; after this many, the fallback too. */
  postmortemReview: { reminderIntervalSeconds: number; remindersBeforeEscalation: number };
  deliver: (input: DeliverInput) => Promise<{ detail: string }>;
}

/** Fields the review owns: written at the first draft only, never overwritten by a later one. */
const reviewFields = [
  'rootCause',
  'contributingFactors',
  'mitigators',
  'lessonsLearned',
  'actionItems',
  'status',
  'owner',
  'summary',
  'reminders',
] as const;

export function createPostmortemActivities(deps: PostmortemActivityDeps) {
  return {
    /**
     * Builds the draft from the incident's stored record and saves it, keyed by
     * incident: drafting again refreshes the generated parts of a draft and
     * never duplicates it or touches what reviewers wrote.
     */
    async generatePostmortem(input: { incidentId: string }): Promise<{
      postmortemId: string;
      status: PostmortemStatus;
      reminderIntervalSeconds: number;
      remindersBeforeEscalation: number;
    }> {
      const doc = await deps.models.Incident.findById(input.incidentId).lean();
      // Retried until the incident's final save has landed.
      if (!doc || doc.status !== 'resolved')
        throw new Error(`incident ${input.incidentId} is not saved as resolved yet`);
      const incident = fromIncidentDocument(doc);
      const entries = await readWholeTimeline(
        deps.models.TimelinePage,
        incident.incidentId,
        incident.timelineLength,
      );
      if (entries.length < incident.timelineLength) {
        throw new Error(
          `incident ${input.incidentId} timeline not fully saved yet (${entries.length}/${incident.timelineLength})`,
        );
      }
      const draft = buildPostmortem(postmortemIdOf(incident.incidentId), incident, entries, new Date());
      const { _id: postmortemId, ...fields } = toPostmortemDocument(draft);
      const generated = Object.fromEntries(
        Object.entries(fields).filter(([k]) => !(reviewFields as readonly string[]).includes(k)),
      );
      const review = Object.fromEntries(
        Object.entries(fields).filter(([k]) => (reviewFields as readonly string[]).includes(k)),
      );
      let status: PostmortemStatus = 'draft';
      try {
        // Written only while a draft (or inserted as one): a draft, then, unless this throws.
        await deps.models.Postmortem.updateOne(
          { _id: postmortemId, status: 'draft' },
          { $set: generated, $setOnInsert: review },
          { upsert: true, runValidators: true },
        );
      } catch (err) {
        // Already under review or published: leave it as the reviewers have it.
        if (!isDuplicateKeyError(err)) throw err;
        const stored = await deps.models.Postmortem.findById(postmortemId, { status: 1 }).lean();
        status = stored?.status ?? 'draft';
      }
      return { postmortemId, status, ...deps.postmortemReview };
    },

    /** Reminds the owner's team (first escalation level) to finish the review; the fallback too once escalated. */
    async sendPostmortemReminder(input: {
      postmortemId: string;
      reminder: number;
      escalate: boolean;
    }): Promise<{ sent: number }> {
      const key = `${input.postmortemId}:reminder-${input.reminder}`;
      const pm = await deps.models.Postmortem.findById(input.postmortemId).lean();
      if (!pm || pm.status === 'published') return { sent: 0 };
      // A retry of a reminder that was sent and recorded: nothing more to send.
      if (pm.reminders?.some((r) => r.key === key)) return { sent: 0 };
      const incidentDoc = await deps.models.Incident.findById(pm.incidentId).lean();
      if (!incidentDoc) return { sent: 0 };
      const incident = fromIncidentDocument(incidentDoc);
      const policy = incident.escalation.policy;
      const targets = [...(policy.levels[0]?.targets ?? []), ...(input.escalate ? policy.fallback : [])];
      const plan = planDeliveries(deps.catalog, targets, new Date(), key);
      const context: NotificationContext = {
        incidentId: incident.incidentId,
        title: `Post-mortem review due: ${pm.title}`,
        service: pm.service,
        severity: pm.severity,
        priority: pm.priority,
        status: incident.status,
        major: pm.major,
        team: pm.team,
        alertCount: incident.alertCount,
        labels: {},
        links: [],
        reason: `post-mortem ${input.postmortemId} is ${pm.status} (reminder ${input.reminder}${input.escalate ? ', escalated' : ''}); owner ${pm.owner}`,
      };
      let sent = 0;
      for (const delivery of plan.deliveries) {
        try {
          await deps.deliver({ delivery, context, idempotencyKey: `${key}:${delivery.deliveryId}` });
          sent += 1;
        } catch {
          // One channel failing does not stop the others; the next reminder tries again.
        }
      }
      await deps.models.Postmortem.updateOne(
        { _id: input.postmortemId, 'reminders.key': { $ne: key } },
        { $push: { reminders: { at: new Date().toISOString(), escalated: input.escalate, key } } },
      );
      return { sent };
    },
  };
}
