import { condition } from '@temporalio/workflow';
import { failureMessage } from '../../domain/failure';
import { type MaintenanceHold, holdApplies, pagingHold } from '../../domain/maintenance-hold';
import { firelineActor } from '../../domain/actors';
import { lookupOptions, lookups } from './activity-proxies';
import { type IncidentState, now } from './state';

/**
 * Maintenance windows: an incident opened in one records its alerts but pages
 * nobody until the window ends, when it asks again whether any window still
 * covers it (one may have been extended, or another begun) and, if none does,
 * pages as usual.
 */
export class IncidentMaintenance {
  /** Counts notices that a window changed: what a held escalation also waits for. */
  private notices = 0;

  constructor(private readonly state: IncidentState) {}

  /** The incident opens in a window: recorded, and paging waits for its end. */
  hold(hold: MaintenanceHold): void {
    const incident = this.state.current;
    incident.maintenance = { ...hold, holding: true };
    const sev1 = incident.severity === 'SEV1' ? ' (it silences SEV1)' : '';
    this.state.record(
      'maintenance',
      firelineActor,
      `In maintenance window ${hold.windowId}${sev1} until ${hold.until}: ${hold.reason} (by ${hold.createdBy}). ` +
        'Alerts are recorded; nobody is paged unless it is still open when the window ends',
      { ...hold },
    );
  }

  /** A window changed: a held incident checks again. */
  notice(): void {
    if (this.state.incident?.maintenance?.holding) this.notices += 1;
  }

  /** The hold paging waits on now, if any. */
  get holding(): MaintenanceHold | undefined {
    return this.state.incident && pagingHold(this.state.current);
  }

  /**
   * Waits for the hold's end (or a notice, or `changed`), then asks again
   * which window covers the incident. Returns at once when `changed` woke it.
   */
  async waitOut(hold: MaintenanceHold, changed: () => boolean): Promise<void> {
    const seen = this.notices;
    const noticed = () => this.notices !== seen;
    const woke = await condition(
      () => changed() || noticed() || !this.holding,
      Math.max(1, Date.parse(hold.until) - Date.now()),
      { summary: `maintenance window ${hold.windowId}` },
    );
    if (!this.holding) {
      // A change of severity took the incident out of what the window silences.
      this.release(`the incident is now ${this.state.current.severity}, which the window does not silence`);
      return;
    }
    if (woke && !noticed()) return;
    const incident = this.state.current;
    const next = await lookups.maintenanceHoldFor
      .executeWithOptions({ ...lookupOptions, summary: 'maintenance window still under way?' }, [
        { service: incident.service, team: incident.team, severity: incident.severity, at: now() },
      ])
      .catch((err: unknown) => {
        // Unsure whether a window still holds: paging is the safe side.
        this.state.record(
          'maintenance',
          firelineActor,
          `Could not check maintenance windows: ${failureMessage(err)}`,
        );
        return undefined;
      });
    if (next && holdApplies(next, incident.severity)) {
      if (next.windowId === hold.windowId && next.until === hold.until) return;
      this.hold(next);
      return;
    }
    this.release(`maintenance window ${hold.windowId} is over`);
  }

  /** A responder escalates by hand: that pages, window or not. */
  liftFor(actor: string): void {
    if (this.holding) this.release(`${actor} escalated it`);
  }

  private release(why: string): void {
    const incident = this.state.current;
    if (!incident.maintenance) return;
    incident.maintenance = { ...incident.maintenance, holding: false };
    const paging = incident.status === 'triggered' ? ': still triggered, paging now' : '';
    this.state.record('maintenance', firelineActor, `Paging no longer held: ${why}${paging}`, {
      windowId: incident.maintenance.windowId,
    });
  }
}
