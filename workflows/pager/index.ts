import {
  allHandlersFinished,
  type CancellationScope,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PagerWorkflowInput } from './input';
import { deliveryStatusSignal, openPagesQuery, pageSignal, stopPagingSignal } from './messages';
import { PagerRunner } from './runner';
import { PagerState } from './state';
import { runLongLived } from '../long-lived';

export type { PagerWorkflowInput } from './input';

/**
 * One person's pager (`pager:<person id>`), across incidents: runs their
 * notification rules for each incident that reaches them until it stops
 * paging, holds their short codes, and keeps their texts and calls within the
 * storm limit. Ends once nothing is open and no send is inside the storm
 * window; the next page starts it again.
 */
export function pagerWorkflow(input: PagerWorkflowInput): Promise<void> {
  return runLongLived((scope) => runPager(input, scope));
}

async function runPager(input: PagerWorkflowInput, scope: CancellationScope): Promise<void> {
  const state = new PagerState(input);
  const runner = new PagerRunner(state);
  // Before the page handler: the signal a start came with is delivered when the handler is set.
  runner.resume();
  // A page's steps and its reports outlive the signal that started them: they run in the run's scope.
  setHandler(pageSignal, (request) => scope.run(async () => runner.onPage(request)));
  setHandler(stopPagingSignal, (stop) => runner.onStop(stop));
  setHandler(deliveryStatusSignal, (status) => scope.run(async () => runner.onStatus(status)));
  setHandler(openPagesQuery, () => state.openPages());
  void runner.runBundles();

  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested && state.inFlight === 0;
  for (;;) {
    if (continueAsNewDue()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof pagerWorkflow>({ ...input, carried: state.carried() });
    }
    if (state.pages.size > 0) {
      await condition(() => continueAsNewDue() || state.pages.size === 0);
      continue;
    }
    const quietIn = state.quietInMs(Date.now());
    if (quietIn > 0) {
      await condition(() => continueAsNewDue() || state.pages.size > 0, quietIn, {
        summary: 'storm window',
      });
      continue;
    }
    await condition(allHandlersFinished);
    if (state.pages.size === 0) return;
  }
}
