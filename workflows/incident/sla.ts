import type { Incident, SlaBreach } from '../../domain/incident';
import type { IncidentNotifier } from './notifier';
import type { IncidentState } from './state';
import { firelineActor } from '../../domain/actors';

interface SlaCheck {
  kind: SlaBreach['kind'];
  targetSeconds: number;
  due: string;
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The SLA targets (from triage) this incident has not met or breached yet, with when each passes. */
export function pendingSlaChecks(incident: Incident): SlaCheck[] {
  const sla = incident.triage.sla;
  if (!sla || incident.status === 'resolved') return [];
  const opened = Date.parse(incident.openedAt);
  const breaches = incident.slaBreaches ?? [];
  const checks: Array<Omit<SlaCheck, 'due'>> = [
    ...(incident.acknowledgedAt
      ? []
      : [{ kind: 'acknowledge' as const, targetSeconds: sla.acknowledgeWithinSeconds }]),
    { kind: 'resolve', targetSeconds: sla.resolveWithinSeconds },
  ];
  return checks
    .filter((check) => !breaches.some((b) => b.kind === check.kind))
    .map((check) => ({ ...check, due: new Date(opened + check.targetSeconds * 1000).toISOString() }));
}

/** SLA targets are timers of their own: a breach is recorded, and announced, the moment it happens. */
export class IncidentSla {
  constructor(
    private readonly state: IncidentState,
    private readonly notifier: IncidentNotifier,
  ) {}

  /** When the next unmet target passes, if any. */
  nextDeadline(): string | undefined {
    return pendingSlaChecks(this.state.current)
      .map((check) => check.due)
      .sort()[0];
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
      const what = `${check.kind === 'acknowledge' ? 'acknowledged' : 'resolved'} within ${formatSeconds(check.targetSeconds)}`;
      this.state.record('sla.breached', firelineActor, `SLA breached: not ${what} (${current.severity})`, {
        kind: check.kind,
        targetSeconds: check.targetSeconds,
      });
      await this.notifier.notifyCurrentLevel(`sla-${check.kind}`, `SLA breached: not ${what}`);
    }
    return passed.length > 0;
  }
}
