import type { StormLimit } from '../../domain/notification-rules';
import type { PagerStep } from '../../domain/pager';
import type { PageRequest } from './messages';

/** One open page as the pager holds it (and hands it to its next run). */
export interface Page {
  request: PageRequest;
  code: string;
  steps: PagerStep[];
  /** The index of the next step to run. */
  next: number;
  /** The phone step the storm limit holds back for this incident. */
  heldStepId?: string;
  /** The last step failed: the next one runs at once. */
  hurry: boolean;
  /** `<step>:<status>` already on the timeline: Twilio sends each status once, retries included. */
  recorded: string[];
}

/** What a pager hands its next run. */
export interface PagerCarried {
  personName?: string;
  pages: Page[];
  /** Incidents whose phone step the storm limit holds, oldest first: the next bundle's. */
  held: string[];
  /** When the texts and calls still inside the storm window went out (ms). */
  phoneSentAt: number[];
  sequence: number;
  bundleStep?: PagerStep;
}

export interface PagerWorkflowInput {
  personId: string;
  storm: StormLimit;
  maxOpenPages: number;
  carried?: PagerCarried;
}
