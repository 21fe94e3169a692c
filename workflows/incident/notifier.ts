import type { NotificationContext, PlannedDelivery, TargetRef } from '../../domain/incident';
import { failureMessage } from '../../domain/failure';
import type { NotifyResult } from '../../activities/notify';
import type { DeliverResult } from '../../activities/notifications';
import { pagedBy } from '../../domain/notification-plan';
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

/** Escalation steps an incident lists in `pages`, the latest last. */
const maxPages = 20;

/** Pages people and channels for the incident; every outcome, sent or not, goes in the timeline. */
export class IncidentNotifier {
  /** Notifications under way, from planning to the last delivery's outcome. */
  readonly underWay = new Set<number>();
  /** Notifications whose plan and first attempts are under way (one activity each). */
  readonly firstAttempts = new Set<number>();
  private notifications = 0;

  constructor(
    private readonly state: IncidentState,
    private readonly personPages?: IncidentPersonPages,
  ) {}

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
   * The plan and every first attempt in one activity; should it fail as a
   * whole, the plan and the deliveries again as activities of their own.
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
    let result: NotifyResult | undefined;
    this.firstAttempts.add(notification);
    try {
      result = await notifyTargets.executeWithOptions({ ...notifyOptions, summary: `notify: ${reason}` }, [
        {
          plan: planInput,
          context: this.context(reason, []),
          incidentId: state.current.incidentId,
          withPeople,
        },
      ]);
    } catch {
      // Planned again below, with the lookups' retries; a delivery already made repeats its idempotency key.
    } finally {
      this.firstAttempts.delete(notification);
    }
    let plan = result?.plan;
    if (!plan) {
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
    for (const skipped of plan.unreachable) {
      state.record(
        'notification.failed',
        firelineActor,
        `Cannot notify ${skipped.target.type} ${skipped.target.id}: ${skipped.reason}`,
      );
    }
    // The people a level or the fallback reaches are paged on their own contact methods too.
    const pagers = withPeople ? (plan.people ?? []) : [];
    const paged = pagedBy(plan.deliveries, pagers);
    if (plan.deliveries.length > 0 || pagers.length > 0) this.recordPages(reason, plan.deliveries, paged);
    const context = this.context(reason, paged);
    const firstAttempts = new Map(result?.attempts.map((attempt) => [attempt.deliveryId, attempt]));
    await Promise.all([
      ...(pagers.length > 0 ? [this.personPages!.page(pagers, reason)] : []),
      ...plan.deliveries.map(async (delivery) => {
        const first = firstAttempts.get(delivery.deliveryId);
        if (first && 'sent' in first) {
          this.recordSent(delivery, first.sent, reason);
          return;
        }
        // A first attempt that failed, or a step activity that failed as a whole, may have sent it:
        // the channel then looks before sending again.
        await this.deliver(delivery, context, reason, result === undefined || first !== undefined);
      }),
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
      this.recordSent(delivery, outcome, reason);
    } catch (err) {
      state.record(
        'notification.failed',
        firelineActor,
        `Could not notify ${delivery.label}: ${failureMessage(err)}`,
        { channelType: delivery.channelType, destination: delivery.destination },
      );
    }
  }

  private recordSent(delivery: PlannedDelivery, outcome: DeliverResult, reason: string): void {
    const { state } = this;
    if (outcome.chatMessage) state.addChatChannel(delivery.destination);
    state.record(
      'notification.sent',
      firelineActor,
      outcome.devInbox
        ? `Development inbox: the page for ${delivery.label} (${reason}) was kept, not sent: ${outcome.detail}`
        : `Notified ${delivery.label} (${reason})`,
      {
        channelType: delivery.channelType,
        destination: delivery.destination,
        detail: outcome.detail,
        ...(outcome.devInbox ? { devInbox: true } : {}),
      },
    );
  }

  /** What one escalation step paged, for the incident's message and the response's responders. */
  private recordPages(reason: string, deliveries: PlannedDelivery[], people: string[]): void {
    const { state } = this;
    const current = state.current;
    const pages = (current.pages ??= []);
    pages.push({ reason, at: now(), targets: deliveries.map((d) => d.label), people });
    if (pages.length > maxPages) pages.splice(0, pages.length - maxPages);
    if (current.response) for (const id of people) state.addResponder(`user:${id}`, 'paged');
    state.touch();
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
