import type { NotificationContext, PlannedDelivery, TargetRef } from '../../domain/incident';
import { failureMessage } from '../../domain/failure';
import type { NotifyResult } from '../../activities/notify';
import { pagedBy } from '../../domain/notification-plan';
import { sentChanges, stepChanges } from '../../domain/notification-outcome';
import {
  deliverNotification,
  deliveryOptions,
  lookups,
  lookupOptions,
  notifyOptions,
  notifyTargets,
} from './activity-proxies';
import { currentTargets } from '../../domain/escalation';
import { pagingHold } from '../../domain/maintenance-hold';
import { type IncidentState, now } from './state';
import { firelineActor } from '../../domain/actors';
import { type IncidentPersonPages, pagesPeople } from './person-pages';
import type { IncidentSaver, NotificationsUnderWay } from './saver';

/** Pages people and channels for the incident; every outcome, sent or not, goes in the timeline. */
export class IncidentNotifier {
  private notifications = 0;
  private readonly underWay: Set<number>;
  private readonly firstAttempts: Set<number>;

  constructor(
    private readonly state: IncidentState,
    tracking: NotificationsUnderWay,
    /** Lends the incident's next save to an escalation step. */
    private readonly saves?: Pick<IncidentSaver, 'lendToStep' | 'stepEnded'>,
    private readonly personPages?: IncidentPersonPages,
  ) {
    this.underWay = tracking.underWay;
    this.firstAttempts = tracking.firstAttempts;
  }

  /** Resolves the targets to deliveries and sends each. */
  async notify(targets: TargetRef[], key: string, reason: string): Promise<void> {
    const hold = pagingHold(this.state.current);
    if (hold) {
      this.state.record(
        'maintenance',
        firelineActor,
        `Not paged (${reason}): maintenance window ${hold.windowId} holds paging until ${hold.until}`,
        { windowId: hold.windowId },
      );
      return;
    }
    const notification = ++this.notifications;
    this.underWay.add(notification);
    try {
      await this.planAndDeliver(targets, key, reason, notification);
    } finally {
      this.underWay.delete(notification);
    }
  }

  /**
   * The plan and every first attempt in one activity, which also makes the
   * incident's next save when the saver lends it; should it fail as a whole,
   * the plan and the deliveries again as activities of their own.
   */
  private async planAndDeliver(
    targets: TargetRef[],
    key: string,
    reason: string,
    notification: number,
  ): Promise<void> {
    const { state } = this;
    const planInput = { targets, at: now(), key, policyId: state.current.escalation.policy.id };
    const withPeople = Boolean(this.personPages && pagesPeople(key));
    const save = this.saves?.lendToStep();
    // Ended once: a second end could end the save lent to another step meanwhile.
    let lent = save !== undefined;
    let result: NotifyResult | undefined;
    this.firstAttempts.add(notification);
    try {
      result = await notifyTargets.executeWithOptions({ ...notifyOptions, summary: `notify: ${reason}` }, [
        {
          plan: planInput,
          context: this.context(reason, []),
          incidentId: state.current.incidentId,
          withPeople,
          ...(save ? { save } : {}),
        },
      ]);
    } catch {
      // Planned again below, with the lookups' retries; a delivery already made repeats its idempotency key.
    } finally {
      this.firstAttempts.delete(notification);
    }
    let plan = result?.plan;
    if (!plan) {
      if (lent) this.saves!.stepEnded(false);
      lent = false;
      try {
        plan = await lookups.planNotifications.executeWithOptions(
          { ...lookupOptions, summary: `who to notify: ${reason}` },
          [planInput],
        );
      } catch (err) {
        state.record(
          'notification.failed',
          firelineActor,
          `Could not plan notifications (${reason}): ${failureMessage(err)}`,
        );
        return;
      }
    }
    // The people a level or the fallback reaches are paged on their own contact methods too.
    const pagers = withPeople ? (plan.people ?? []) : [];
    const paged = pagedBy(plan.deliveries, pagers);
    const changes = stepChanges(plan, paged, pagers, result?.attempts ?? [], reason);
    // The activity saved the incident as the step leaves it, if nothing else changed it meanwhile.
    const saved =
      lent && result?.savedVersion !== undefined && state.current.version === save!.incident.version;
    state.applyStep(changes, saved ? result!.at : now(), saved);
    if (lent) this.saves!.stepEnded(saved);
    const context = this.context(reason, paged);
    const firstAttempts = new Map(result?.attempts.map((attempt) => [attempt.deliveryId, attempt]));
    await Promise.all([
      ...(pagers.length > 0 ? [this.personPages!.page(pagers, reason)] : []),
      ...plan.deliveries
        .filter((delivery) => !('sent' in (firstAttempts.get(delivery.deliveryId) ?? {})))
        // A first attempt that failed, or a step activity that failed as a whole, may have sent it:
        // the channel then looks before sending again.
        .map((delivery) =>
          this.deliver(
            delivery,
            context,
            reason,
            result === undefined || firstAttempts.has(delivery.deliveryId),
          ),
        ),
    ]);
  }

  /** One delivery as an activity of its own, with the deliveries' retries. */
  private async deliver(
    delivery: PlannedDelivery,
    context: NotificationContext,
    reason: string,
    retried: boolean,
  ) {
    const { state } = this;
    const idempotencyKey = `${state.current.incidentId}:${delivery.deliveryId}`;
    try {
      const outcome = await deliverNotification.executeWithOptions(
        { ...deliveryOptions, summary: `notify ${delivery.label}` },
        [{ delivery, context, idempotencyKey, ...(retried ? { retried } : {}) }],
      );
      state.applyStep(sentChanges(delivery, outcome, reason), now());
    } catch (err) {
      state.record(
        'notification.failed',
        firelineActor,
        `Could not notify ${delivery.label}: ${failureMessage(err)}`,
        { channelType: delivery.channelType, destination: delivery.destination },
      );
    }
  }

  /** Runbook announcements and SLA breaches go to whoever the escalation currently reaches. */
  async notifyCurrentLevel(key: string, reason: string): Promise<void> {
    const targets = currentTargets(this.state.current.escalation);
    if (targets.length > 0) await this.notify(targets, key, reason);
  }

  private context(reason: string, paged: string[]): NotificationContext {
    const current = this.state.current;
    return {
      incidentId: current.incidentId,
      title: current.title,
      service: current.service,
      severity: current.severity,
      priority: current.priority,
      status: current.status,
      major: current.major,
      team: current.team,
      alertCount: current.alertCount,
      labels: current.labels,
      links: current.links,
      reason,
      ...(paged.length > 0 ? { paged } : {}),
      ...(current.response
        ? {
            response: {
              bridgeUrl: current.response.bridgeUrl,
              commander: current.commander,
              responders: current.response.responders.map((r) => r.actor),
            },
          }
        : {}),
    };
  }
}
