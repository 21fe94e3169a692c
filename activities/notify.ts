import { Context } from '@temporalio/activity';
import type { Incident, NotificationContext, TargetRef, TimelineEntry } from '../domain/incident';
import { type FirstAttempt, type Plan, applyStepChanges, stepChanges } from '../domain/notification-outcome';
import { contextWithPaged, pagedBy } from '../domain/notification-plan';
import type { DeliverInput, DeliverResult } from './notifications';

export type { FirstAttempt, Plan } from '../domain/notification-outcome';

export interface PlanInput {
  targets: TargetRef[];
  at: string;
  key: string;
  /** The incident's escalation policy: a level's targets are read from it as it is now. */
  policyId?: string;
}

/** The incident's next save, lent to the step by the workflow's saver: the incident now and its unsaved entries. */
export interface StepSave {
  incident: Incident;
  timeline: TimelineEntry[];
}

export interface NotifyInput {
  plan: PlanInput;
  /** The page's content; `paged` is filled in from the plan. */
  context: NotificationContext;
  incidentId: string;
  /** The people the plan reaches are paged on their own contact methods too (by the incident's person pages). */
  withPeople: boolean;
  /** Saved with the step's outcome once the first attempts are over. */
  save?: StepSave;
}

export interface NotifyResult {
  plan: Plan;
  /** Everyone this step pages: the deliveries' people, and the people paged on their contact methods. */
  paged: string[];
  attempts: FirstAttempt[];
  /** When the first attempts ended: the time of the step's timeline entries. */
  at: string;
  /** The version saved with the step's outcome, when `save` was given and MongoDB took it in time. */
  savedVersion?: number;
}

export interface NotifyDeps {
  plan: (input: PlanInput) => Promise<Plan>;
  deliver: (input: DeliverInput) => Promise<DeliverResult>;
  /** Saves an incident and entries; checks `abandoned` before its last write, so a late save never lands over a newer one. */
  save?: (input: StepSave, abandoned: () => boolean) => Promise<void>;
  /** How long the save may take: past it the workflow's saver saves instead, so a slow MongoDB never holds a page's outcome. */
  saveWithinMs?: number;
}

/**
 * One escalation step in one activity: plans who to notify, then makes the
 * first attempt of every delivery at once. Most steps end here; a delivery
 * whose first attempt failed is retried by the workflow as a delivery of its
 * own, with the deliveries' retry policy. Given the incident's next save, it
 * saves the incident with the step's outcome applied, as the workflow applies it.
 */
export function createNotifyActivities(deps: NotifyDeps) {
  return {
    async notifyTargets(input: NotifyInput): Promise<NotifyResult> {
      const plan = await deps.plan(input.plan);
      const pagers = input.withPeople ? (plan.people ?? []) : [];
      const paged = pagedBy(plan.deliveries, pagers);
      const context = contextWithPaged(input.context, paged);
      const attempts = await Promise.all(
        plan.deliveries.map(async (delivery): Promise<FirstAttempt> => {
          const { deliveryId } = delivery;
          try {
            const sent = await deps.deliver({
              delivery,
              context,
              idempotencyKey: `${input.incidentId}:${deliveryId}`,
            });
            return { deliveryId, sent };
          } catch (err) {
            return { deliveryId, failed: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
      const at = new Date().toISOString();
      const result: NotifyResult = { plan, paged, attempts, at };
      if (!input.save || !deps.save) return result;
      const { incident, timeline } = input.save;
      const applied = applyStepChanges(
        incident,
        stepChanges(plan, paged, pagers, attempts, context.reason),
        at,
      );
      const saveWithinMs = Math.min(deps.saveWithinMs ?? 2_000, timeLeftMs() - 1_000);
      if (
        saveWithinMs > 0 &&
        (await within(saveWithinMs, (abandoned) =>
          deps.save!({ incident, timeline: [...timeline, ...applied.entries] }, abandoned),
        ))
      ) {
        result.savedVersion = incident.version;
      }
      return result;
    },
  };
}

/** What is left of this attempt's start-to-close timeout (unbounded outside an activity). */
function timeLeftMs(): number {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  return info.startToCloseTimeoutMs - (Date.now() - info.currentAttemptScheduledTimestampMs);
}

/** Whether `work` succeeded within `ms`; past it, `work` is told it is abandoned. */
async function within(ms: number, work: (abandoned: () => boolean) => Promise<void>): Promise<boolean> {
  let abandoned = false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      abandoned = true;
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([
      work(() => abandoned).then(
        () => true,
        () => false,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
