import type { NotificationContext, PlannedDelivery, TargetRef, UnreachableTarget } from '../domain/incident';
import { contextWithPaged, pagedBy } from '../domain/notification-plan';
import type { DeliverInput, DeliverResult } from './notifications';

export interface PlanInput {
  targets: TargetRef[];
  at: string;
  key: string;
  /** The incident's escalation policy: a level's targets are read from it as it is now. */
  policyId?: string;
}

export interface Plan {
  deliveries: PlannedDelivery[];
  unreachable: UnreachableTarget[];
  people?: string[];
}

export interface NotifyInput {
  plan: PlanInput;
  /** The page's content; `paged` is filled in from the plan. */
  context: NotificationContext;
  incidentId: string;
  /** The people the plan reaches are paged on their own contact methods too (by the incident's person pages). */
  withPeople: boolean;
}

/** One delivery's first attempt: sent, or why not (the workflow then retries it on its own). */
export type FirstAttempt = { deliveryId: string } & ({ sent: DeliverResult } | { failed: string });

export interface NotifyResult {
  plan: Plan;
  /** Everyone this step pages: the deliveries' people, and the people paged on their contact methods. */
  paged: string[];
  attempts: FirstAttempt[];
}

/**
 * One escalation step in one activity: plans who to notify, then makes the
 * first attempt of every delivery at once. Most steps end here; a delivery
 * whose first attempt failed is retried by the workflow as a delivery of its
 * own, with the deliveries' retry policy.
 */
export function createNotifyActivities(deps: {
  plan: (input: PlanInput) => Promise<Plan>;
  deliver: (input: DeliverInput) => Promise<DeliverResult>;
}) {
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
      return { plan, paged, attempts };
    },
  };
}
