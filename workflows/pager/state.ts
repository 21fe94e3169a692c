import { allocateCode, deliveryFailed, isFinalStatus, recentSends, type PagerStep } from '../../domain/pager';
import type { StormLimit } from '../../domain/notification-rules';
import type { Page, PagerCarried, PagerWorkflowInput } from './input';
import type { DeliveryStatus, OpenPage, PlannedPage } from './messages';

/** The longest title a page keeps: an SMS shows less, a call reads no more. */
const maxTitleLength = 200;

/** At most this many `<step>:<status>` entries a page remembers (steps × final statuses). */
const maxRecorded = 64;

/**
 * What one person's pager holds: their open pages (one per incident, each
 * with its short code and the next step to run), the phone steps the storm
 * limit holds back, and when their recent texts and calls went out. Every
 * collection is bounded: pages by `maxOpenPages`, held by pages, sends by the window.
 */
export class PagerState {
  readonly personId: string;
  readonly storm: StormLimit;
  readonly maxOpenPages: number;
  personName: string | undefined;
  readonly pages = new Map<string, Page>();
  readonly held: string[];
  phoneSentAt: number[];
  sequence: number;
  bundleStep: PagerStep | undefined;
  /** Deliveries under way: the run continues as new only between them. */
  inFlight = 0;

  constructor(input: PagerWorkflowInput) {
    this.personId = input.personId;
    this.storm = input.storm;
    this.maxOpenPages = input.maxOpenPages;
    const carried = input.carried;
    this.personName = carried?.personName;
    for (const page of carried?.pages ?? []) this.pages.set(page.request.incidentId, page);
    this.held = [...(carried?.held ?? [])];
    this.phoneSentAt = [...(carried?.phoneSentAt ?? [])];
    // A new pager starts its codes at a random place (the workflow's seeded random), so two people's
    // codes rarely match: a code of someone else's is then refused rather than acting on one's own page.
    this.sequence = carried?.sequence ?? Math.floor(Math.random() * 9000);
    this.bundleStep = carried?.bundleStep;
  }

  get name(): string {
    return this.personName ?? this.personId;
  }

  /** A new page for the incident, with a short code none of the open pages holds; undefined when one is open already. */
  open({ request, plan }: PlannedPage): Page | undefined {
    if (this.pages.has(request.incidentId)) return undefined;
    const taken = new Set([...this.pages.values()].map((p) => p.code));
    const { code, sequence } = allocateCode(this.sequence, taken);
    this.sequence = sequence;
    const title =
      request.title.length > maxTitleLength
        ? `${request.title.slice(0, maxTitleLength - 1)}…`
        : request.title;
    this.personName = plan.personName;
    if (plan.bundleStep) this.bundleStep = plan.bundleStep;
    const page: Page = {
      request: { ...request, title },
      code,
      steps: plan.steps,
      next: 0,
      hurry: false,
      recorded: [],
    };
    this.pages.set(request.incidentId, page);
    return page;
  }

  get full(): boolean {
    return this.pages.size >= this.maxOpenPages;
  }

  /** Whether `page` is still open (a stop, or a later page for the incident, ends it). */
  isOpen(page: Page): boolean {
    return this.pages.get(page.request.incidentId) === page;
  }

  close(incidentId: string): Page | undefined {
    const page = this.pages.get(incidentId);
    this.pages.delete(incidentId);
    const at = this.held.indexOf(incidentId);
    if (at >= 0) this.held.splice(at, 1);
    return page;
  }

  hold(incidentId: string): void {
    if (!this.held.includes(incidentId)) this.held.push(incidentId);
  }

  /** A text or call goes out now: counted against the storm limit. */
  countPhoneSend(now: number): void {
    this.phoneSentAt = [...recentSends(this.phoneSentAt, now, this.storm), now];
  }

  /**
   * A status callback: whether it is new and final (worth a timeline entry),
   * and whether it ends the page's latest step, so the next one runs at once.
   */
  status(report: DeliveryStatus): { page: Page; step: PagerStep; record: boolean } | undefined {
    const page = this.pages.get(report.incidentId);
    const step =
      report.stepId === 'bundle' ? this.bundleStep : page?.steps.find((s) => s.stepId === report.stepId);
    if (!page || !step) return undefined;
    const failed = deliveryFailed(report.status, report.answeredBy);
    const key = `${report.stepId}:${failed && report.answeredBy ? 'machine' : report.status}`;
    const record = (isFinalStatus(report.status) || failed) && !page.recorded.includes(key);
    if (record) {
      page.recorded.push(key);
      if (page.recorded.length > maxRecorded) page.recorded.shift();
    }
    const latest = page.steps[page.next - 1];
    if (failed && latest?.stepId === report.stepId) page.hurry = true;
    return { page, step, record };
  }

  /** The open pages, oldest first, as the inbound routes see them. */
  openPages(): OpenPage[] {
    return [...this.pages.values()].map((page) => {
      const next = page.steps[page.next];
      return {
        incidentId: page.request.incidentId,
        incidentWorkflowId: page.request.incidentWorkflowId,
        code: page.code,
        title: page.request.title,
        service: page.request.service,
        severity: page.request.severity,
        stepsDone: page.next,
        ...(next
          ? {
              nextStep: {
                stepId: next.stepId,
                methodType: next.methodType,
                dueAt: new Date(Date.parse(page.request.at) + next.afterSeconds * 1000).toISOString(),
              },
            }
          : {}),
      };
    });
  }

  /** How long until the last text or call leaves the storm window (0: none is inside it). */
  quietInMs(now: number): number {
    const recent = recentSends(this.phoneSentAt, now, this.storm);
    return recent.length === 0 ? 0 : Math.max(...recent) + this.storm.windowSeconds * 1000 - now;
  }

  carried(): PagerCarried {
    return {
      ...(this.personName ? { personName: this.personName } : {}),
      pages: [...this.pages.values()],
      held: [...this.held],
      phoneSentAt: [...this.phoneSentAt],
      sequence: this.sequence,
      ...(this.bundleStep ? { bundleStep: this.bundleStep } : {}),
    };
  }
}
