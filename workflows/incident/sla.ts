import { nextSlaDeadline, pendingSlaChecks, slaTargetText } from '../../domain/sla';
import type { IncidentNotifier } from './notifier';
import type { IncidentState } from './state';
import { firelineActor } from '../../domain/actors';

/** SLA targets are timers of their own: a breach is recorded, and announced, the moment it happens. */
export class IncidentSla {
  constructor(
    private readonly state: IncidentState,
    private readonly notifier: IncidentNotifier,
  ) {}

  /** When the next unmet target passes, if any. */
  nextDeadline(): string | undefined {
    return nextSlaDeadline(this.state.current);
  }

  /** Records and announces every target that has passed; true if there was one. */
  async recordBreaches(): Promise<boolean> {
    const current = this.state.current;
    const passed = pendingSlaChecks(current).filter((check) => Date.parse(check.due) <= Date.now());
    for (const check of passed) {
      current.slaBreaches = [
        ...(current.slaBreaches ?? []),
        { kind: check.kind, at: check.due, targetSeconds: check.targetSeconds },
      ];
      const what = slaTargetText(check);
      this.state.record('sla.breached', firelineActor, `SLA breached: not ${what} (${current.severity})`, {
        kind: check.kind,
        targetSeconds: check.targetSeconds,
      });
      await this.notifier.notifyCurrentLevel(`sla-${check.kind}`, `SLA breached: not ${what}`);
    }
    return passed.length > 0;
  }
}
