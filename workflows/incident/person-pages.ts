import {
  type ActivityOptions,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { firelineActor } from '../../domain/actors';
import { failureMessage } from '../../domain/failure';
import { urgencyOf } from '../../domain/notification-rules';
import { pagerWorkflowId } from '../pager/ids';
import { stopPagingSignal, type StopPaging } from '../pager/messages';
import type { PageOutcome } from './messages';
import { type IncidentState, now } from './state';

/** People an incident remembers paging, to stop their pagers: the most recent ones past this are forgotten first. */
const maxPagedPeople = 50;

/**
 * The escalation step that pages people waits for this activity, so a person whose methods
 * cannot be read (MongoDB away, none read before) fails after a few seconds: the timeline says
 * so, and the step's channels and its next timers go on.
 */
const pageOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '2 seconds', maximumAttempts: 3 },
};
const { pagePerson } = proxyActivities<Activities>(pageOptions);

/** Escalation steps whose people are paged on their own contact methods: the levels and the fallback. */
export function pagesPeople(key: string): boolean {
  return /^r\d+-l\d+$/.test(key) || key === 'fallback';
}

/**
 * The people an escalation level reached, paged through their own pagers
 * (`pager:<person>`, which run their notification rules), and stopped once
 * the incident leaves `triggered`. Each pager reports its steps back here.
 */
export class IncidentPersonPages {
  /** Whose pagers run for this incident now. */
  readonly paged: string[];

  constructor(
    private readonly state: IncidentState,
    carried: string[] = [],
  ) {
    this.paged = [...carried];
  }

  /** Asks each person's pager to page them; a pager that cannot be asked is on the timeline. */
  async page(personIds: string[], reason: string): Promise<void> {
    const current = this.state.current;
    const request = {
      incidentId: current.incidentId,
      incidentWorkflowId: workflowInfo().workflowId,
      title: current.title,
      service: current.service,
      severity: current.severity,
      priority: current.priority,
      team: current.team,
      urgency: urgencyOf(current.severity),
      reason,
      at: now(),
    };
    await Promise.all(
      personIds.map(async (personId) => {
        try {
          const { paged } = await pagePerson.executeWithOptions(
            { ...pageOptions, summary: `page ${personId}` },
            [{ personId, request }],
          );
          if (paged) this.remember(personId);
        } catch (err) {
          this.state.record(
            'notification.failed',
            firelineActor,
            `Could not page ${personId} on their contact methods: ${failureMessage(err)}`,
          );
        }
      }),
    );
  }

  /** A pager's step outcome: on the timeline when it is this run's incident. */
  record(outcome: PageOutcome): void {
    const incident = this.state.incident;
    if (!incident || incident.incidentId !== outcome.incidentId) return;
    this.state.record(outcome.type, firelineActor, outcome.message, {
      personId: outcome.personId,
      ...outcome.data,
    });
    if (outcome.chatChannel)
      this.state.applyStep([{ kind: 'chatChannel', channelId: outcome.chatChannel }], now());
  }

  /** Stops every pager once the incident is no longer triggered (acknowledged, snoozed, resolved). */
  async runInBackground(): Promise<void> {
    for (;;) {
      await condition(() => this.paged.length > 0 && this.state.current.status !== 'triggered');
      await this.stopAll(this.state.current.status as StopPaging['why']);
    }
  }

  /** Stops every pager this incident started. */
  async stopAll(why: StopPaging['why']): Promise<void> {
    const incidentId = this.state.current.incidentId;
    const people = this.paged.splice(0);
    await Promise.all(
      people.map((personId) =>
        getExternalWorkflowHandle(pagerWorkflowId(personId))
          .signal(stopPagingSignal, { incidentId, why })
          .catch((err: unknown) =>
            // A pager that has ended holds no page for this incident.
            log.info('pager not signalled', { personId, error: failureMessage(err) }),
          ),
      ),
    );
  }

  private remember(personId: string): void {
    if (this.paged.includes(personId)) return;
    this.paged.push(personId);
    if (this.paged.length > maxPagedPeople) this.paged.shift();
  }
}
