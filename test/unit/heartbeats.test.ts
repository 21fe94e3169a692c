import { setTimeout as delay } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withHeartbeats } from '../../activities/heartbeats';

// Runbook steps heartbeat so that a dead worker is noticed within the heartbeat
// timeout; the timeout counts from the attempt's start, so a step that ends
// within a third of it needs to send none.
describe('withHeartbeats', () => {
  function recorded(heartbeatTimeoutMs: number) {
    const activity = new MockActivityEnvironment({ heartbeatTimeoutMs });
    const started = Date.now();
    const beats: number[] = [];
    activity.on('heartbeat', () => beats.push(Date.now() - started));
    return { activity, beats };
  }

  it('sends no heartbeat for a step that ends sooner than a third of its heartbeat timeout', async () => {
    const { activity, beats } = recorded(5_000);
    await expect(activity.run(() => withHeartbeats(async () => (await delay(50), 'done')))).resolves.toBe(
      'done',
    );
    expect(beats).toEqual([]);
  });

  it('heartbeats every third of the heartbeat timeout while the step runs, and stops after it', async () => {
    const { activity, beats } = recorded(600);
    await activity.run(() => withHeartbeats(() => delay(700)));
    const atEnd = beats.length;
    expect(atEnd).toBeGreaterThanOrEqual(2);
    expect(beats[0]).toBeGreaterThanOrEqual(150);
    expect(beats[0]).toBeLessThan(600);
    await delay(300);
    expect(beats).toHaveLength(atEnd);
  });
});
