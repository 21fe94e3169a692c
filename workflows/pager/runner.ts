import {
  type ActivityOptions,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { contactDestination } from '../../domain/contact-methods';
import { failureMessage } from '../../domain/failure';
import type { NotificationContext } from '../../domain/incident';
import { nextPhoneSlot } from '../../domain/notification-rules';
import {
  PAGE_TTL_SECONDS,
  deliveryFailed,
  isPhoneStep,
  phoneSlotFree,
  statusWording,
  stepOutcomeMessage,
  type PagerStep,
} from '../../domain/pager';
import { type PageOutcome, pageOutcomeSignal } from '../incident/messages';
import type { Page } from './input';
import type { DeliveryStatus, PageRequest, PlannedPage, StopPaging } from './messages';
import type { PagerState } from './state';

/** A method that keeps failing must not hold the next step up for long. */
const deliveryOptions: ActivityOptions = {
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 3,
  },
};
const { deliverNotification } = proxyActivities<Activities>(deliveryOptions);

/**
 * Runs a person's pages: each page's steps as durable timers from the moment
 * the level reached them, a failed step hurrying the next, texts and calls
 * within the storm limit (the rest held and sent as one bundle), every
 * outcome reported to the incident's timeline.
 */
export class PagerRunner {
  private readonly running = new Set<Page>(); // pages whose steps a loop is running

  constructor(private readonly state: PagerState) {}

  onPage(planned: PlannedPage): void {
    const { state } = this;
    const { request } = planned;
    if (state.pages.has(request.incidentId)) return;
    if (state.full) {
      this.report(request, {
        type: 'notification.failed',
        message: `${state.name}: not paged, their pager is full (${state.maxOpenPages} open pages)`,
        data: { stepId: '-', channelType: 'pager' },
      });
      return;
    }
    const page = state.open(planned);
    if (page) void this.run(page);
  }

  onStop({ incidentId }: StopPaging): void {
    this.state.close(incidentId);
  }

  onStatus(report: DeliveryStatus): void {
    const found = this.state.status(report);
    if (!found?.record) return;
    const failed = deliveryFailed(report.status, report.answeredBy);
    this.report(found.page.request, {
      type: failed ? 'notification.failed' : 'notification.sent',
      message: stepOutcomeMessage(
        this.state.name,
        found.step,
        statusWording(report.status, report.answeredBy),
      ),
      data: { stepId: report.stepId, channelType: found.step.methodType, status: report.status },
    });
  }

  /** Picks up the pages a previous run handed over. */
  resume(): void {
    for (const page of this.state.pages.values()) void this.run(page);
  }

  private async run(page: Page): Promise<void> {
    // One loop per page, however many times it is handed over.
    if (this.running.has(page)) return;
    this.running.add(page);
    try {
      await this.runSteps(page);
    } finally {
      this.running.delete(page);
    }
  }

  private async runSteps(page: Page): Promise<void> {
    const { state } = this;
    const open = () => state.isOpen(page);
    const steps = page.steps;
    while (open() && page.next < steps.length) {
      const step = steps[page.next]!;
      const wait = Date.parse(page.request.at) + step.afterSeconds * 1000 - Date.now();
      if (wait > 0 && !page.hurry)
        await condition(() => !open() || page.hurry, wait, {
          summary: `${step.stepId}: ${step.methodType} after ${step.afterSeconds}s`,
        });
      if (!open()) return;
      page.hurry = false;
      page.next += 1;
      if (isPhoneStep(step) && !phoneSlotFree(state.phoneSentAt, Date.now(), state.storm)) {
        this.hold(page, step);
        continue;
      }
      await this.deliver(page, step);
    }
    // Every step ran: the code stays good until the incident stops paging, or the page expires.
    const expiresIn = Date.parse(page.request.at) + PAGE_TTL_SECONDS * 1000 - Date.now();
    if (open() && expiresIn > 0) await condition(() => !open(), expiresIn);
    if (open()) state.close(page.request.incidentId);
  }

  private hold(page: Page, step: PagerStep): void {
    const { state } = this;
    const first = page.heldStepId === undefined;
    page.heldStepId = step.stepId;
    state.hold(page.request.incidentId);
    if (!first) return;
    const { maxPerWindow, windowSeconds } = state.storm;
    this.report(page.request, {
      type: 'notification.sent',
      message: stepOutcomeMessage(
        state.name,
        step,
        `held: ${maxPerWindow} texts and calls in ${windowSeconds} seconds reached; bundled when the limit allows`,
      ),
      data: { stepId: step.stepId, channelType: step.methodType, status: 'held' },
    });
  }

  /**
   * Sends what the storm limit held, once it allows: one held page as its own
   * step; several as one bundle (an SMS, or a call for a person without SMS)
   * naming the first incident and how many more.
   */
  async runBundles(): Promise<void> {
    const { state } = this;
    for (;;) {
      await condition(() => state.held.length > 0);
      const slot = nextPhoneSlot(state.phoneSentAt, Date.now(), state.storm);
      if (slot > Date.now()) {
        await condition(() => state.held.length === 0, slot - Date.now(), { summary: 'storm limit' });
        continue;
      }
      const pages = state.held.splice(0).flatMap((id) => state.pages.get(id) ?? []);
      const [first, ...rest] = pages;
      if (!first) continue;
      if (rest.length === 0 || !state.bundleStep) {
        // Without a method to bundle to, each held page waits for a slot of its own.
        for (const page of rest) state.hold(page.request.incidentId);
        const own = first.steps.find((s) => s.stepId === first.heldStepId);
        delete first.heldStepId;
        if (own) await this.deliver(first, own);
        continue;
      }
      for (const page of pages) delete page.heldStepId;
      const bundled = this.deliver(first, state.bundleStep, { more: rest.length });
      for (const page of rest)
        this.report(page.request, {
          type: 'notification.sent',
          message: `${state.name}: bundled into the page for ${first.request.incidentId} (${rest.length + 1} incidents; reply 'a all' acknowledges all)`,
          data: { stepId: 'bundle', channelType: state.bundleStep.methodType },
        });
      await bundled;
    }
  }

  private async deliver(page: Page, step: PagerStep, bundle?: { more: number }): Promise<void> {
    const { state } = this;
    const request = page.request;
    if (isPhoneStep(step)) state.countPhoneSend(Date.now());
    state.inFlight += 1;
    try {
      const outcome = await deliverNotification.executeWithOptions(
        { ...deliveryOptions, summary: `page ${state.personId}: ${step.target}` },
        [
          {
            delivery: {
              deliveryId: `pager:${state.personId}:${step.stepId}`,
              channelType: step.methodType,
              destination: contactDestination(state.personId, step.methodId),
              label: `${state.personId} (${step.methodType})`,
              personId: state.personId,
            },
            context: contextOf(request),
            idempotencyKey: `${request.incidentId}:pager:${state.personId}:${step.stepId}`,
            replyCode: page.code,
            twilioCallback: { personId: state.personId, incidentId: request.incidentId, stepId: step.stepId },
            ...(bundle ? { bundle } : {}),
          },
        ],
      );
      const how = outcome.devInbox ? `kept in the development inbox (${outcome.detail})` : 'sent';
      this.report(request, {
        type: 'notification.sent',
        message: stepOutcomeMessage(
          state.name,
          step,
          bundle ? `${how}, with ${bundle.more} more incidents` : how,
        ),
        data: {
          stepId: step.stepId,
          channelType: step.methodType,
          status: outcome.devInbox ? 'dev-inbox' : 'sent',
        },
        // A Slack DM carries the incident's message: the incident keeps it up to date.
        ...(outcome.chatMessage ? { chatChannel: contactDestination(state.personId, step.methodId) } : {}),
      });
    } catch (err) {
      this.report(request, {
        type: 'notification.failed',
        message: stepOutcomeMessage(state.name, step, `failed: ${failureMessage(err)}`),
        data: { stepId: step.stepId, channelType: step.methodType, status: 'failed' },
      });
      if (state.isOpen(page) && !bundle) page.hurry = true;
    } finally {
      state.inFlight -= 1;
    }
  }

  /** Puts an outcome on the incident's timeline; an incident that has ended is left alone. */
  private report(request: PageRequest, outcome: Omit<PageOutcome, 'incidentId' | 'personId'>): void {
    const signal = { ...outcome, incidentId: request.incidentId, personId: this.state.personId };
    getExternalWorkflowHandle(request.incidentWorkflowId)
      .signal(pageOutcomeSignal, signal)
      .catch((err: unknown) =>
        log.info('page outcome not recorded: the incident has ended', {
          incidentId: request.incidentId,
          error: failureMessage(err),
        }),
      );
  }
}

/** What the channels need to word a page, from what the incident sent. */
function contextOf(request: PageRequest): NotificationContext {
  return {
    incidentId: request.incidentId,
    title: request.title,
    service: request.service,
    severity: request.severity,
    priority: request.priority,
    status: 'triggered',
    major: false,
    team: request.team,
    alertCount: 1,
    labels: {},
    links: [],
    reason: request.reason,
  };
}
