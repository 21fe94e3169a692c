import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs the body of a workflow that lives long and loops (an incident, a
 * pager, a heartbeat, an alert group) in a non-cancellable scope; a request
 * to cancel the run still ends it, as cancelled.
 *
 * Why: each timer, activity, child workflow and condition started in a
 * cancellable scope hangs a reaction on that scope's cancellation promise,
 * and it stays there, done or not, until the scope itself is cancelled. In
 * the root scope that is for as long as the run stays in the worker's cache:
 * a reaction and a pending promise for every operation the run ever made.
 * Operations in a non-cancellable scope hang none. A `condition` with a
 * timeout still leaves one small reaction, for the cancellable scope it
 * makes for its timer.
 *
 * Handlers run in the root scope: work a handler starts that outlives it
 * runs in the body's scope (`scope.run`), which `body` is given.
 *
 * Nothing in these workflows cancels its own operations, and they run no
 * cleanup on cancellation: what is under way when a cancellation comes is
 * abandoned with the run.
 */
export function runLongLived<T>(body: (scope: CancellationScope) => Promise<T>): Promise<T> {
  const root = CancellationScope.current();
  const scope = new CancellationScope({ cancellable: false });
  return Promise.race([scope.run(() => body(scope)), root.cancelRequested]);
}
