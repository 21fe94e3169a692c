import { condition } from '@temporalio/workflow';
import { advanceEscalation } from '../../domain/escalation';
import type { IncidentMaintenance } from './maintenance';
import type { IncidentNotifier } from './notifier';
import type { IncidentSla } from './sla';
import type { IncidentState } from './state';
import { firelineActor } from '../../domain/actors';

/**
 * Timed escalation: pages the current level, waits for an acknowledgement
 * with a durable timer, and moves on to the next level (then the fallback)
 * when nobody answers. A snooze waits until it runs out, then starts over.
 */
export class IncidentEscalation {
  constructor(
    private readonly state: IncidentState,
    private readonly notifier: IncidentNotifier,
    private readonly sla: IncidentSla,
    private readonly maintenance: IncidentMaintenance,
  ) {}

  /** One step of the escalation; `wake` also ends its wait (the run is due to continue as new). */
  async step(wake: () => boolean = () => false): Promise<void> {
    const incident = this.state.current;
    const esc = incident.escalation;
    // A transition from here on (an ack, a resolution, a snooze, an escalation) wakes the wait below.
    const seenTransitions = this.state.transitions;
    const changed = () => this.state.transitions !== seenTransitions || wake();

    // In a maintenance window nothing pages (not even an SLA breach) until it ends.
    const hold = this.maintenance.holding;
    if (hold) {
      await this.maintenance.waitOut(hold, changed);
      return;
    }

    if (incident.status === 'triggered' && esc.exhausted && !esc.fallbackNotified) {
      esc.fallbackNotified = true;
      this.state.record(
        'escalation.exhausted',
        firelineActor,
        'Nobody acknowledged: escalation policy exhausted, notifying the fallback',
      );
      await this.notifier.notify(esc.policy.fallback, `fallback`, 'escalation exhausted');
      return;
    }

    if (incident.status === 'triggered' && !esc.exhausted && !esc.levelNotified) {
      const { round, level } = esc;
      const levelDef = esc.policy.levels[level]!;
      const passes = esc.policy.repeat + 1;
      const reason = `level ${level + 1}${passes > 1 ? ` (pass ${round + 1} of ${passes})` : ''}`;
      this.state.record('escalation.level', firelineActor, `Escalating to ${reason}`, { round, level });
      esc.levelNotified = true;
      esc.nextEscalationAt = new Date(Date.now() + levelDef.delaySeconds * 1000).toISOString();
      await this.notifier.notify(levelDef.targets, `r${round}-l${level}`, reason);
      return;
    }

    if (await this.sla.recordBreaches()) return;

    let deadline: string | undefined;
    if (incident.status === 'triggered' && !esc.exhausted) deadline = esc.nextEscalationAt;
    if (incident.status === 'snoozed') deadline = incident.snoozedUntil;
    const slaDue = this.sla.nextDeadline();
    const wakeAt = [deadline, slaDue].filter((d): d is string => d !== undefined).sort()[0];
    if (wakeAt === undefined) {
      await condition(changed);
      return;
    }
    const woke = await condition(changed, Math.max(1, Date.parse(wakeAt) - Date.now()), {
      summary:
        wakeAt !== deadline
          ? 'SLA target'
          : incident.status === 'snoozed'
            ? 'snoozed until'
            : `wait for acknowledgement of level ${esc.level + 1}`,
    });
    // Woken by a change, or an SLA timer fired first (its breach is recorded on the next step).
    if (woke || deadline === undefined || Date.now() < Date.parse(deadline)) return;
    if (incident.status === 'snoozed') {
      this.state.snoozeExpired();
    } else if (incident.status === 'triggered') {
      advanceEscalation(incident.escalation);
      this.state.touch();
    }
  }
}
