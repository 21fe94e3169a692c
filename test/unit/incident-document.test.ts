import { fromIncidentDocument, optionalIncidentFields, toIncidentDocument } from '../../infra/models';
import type { Incident } from '../../domain/incident';

describe('the stored incident', () => {
  it('clears exactly the optional fields a save may find gone', () => {
    expect([...optionalIncidentFields].sort()).toEqual(
      [
        'acknowledgedAt',
        'acknowledgedBy',
        'alerts',
        'chatChannels',
        'commander',
        'grouping',
        'maintenance',
        'mitigatedAt',
        'pages',
        'resolutionNote',
        'resolvedAt',
        'resolvedBy',
        'response',
        'snoozedUntil',
        'unlistedAlerts',
        'unlistedApprovals',
        'unlistedRunbookRuns',
      ].sort(),
    );
  });

  it('stores timestamps as dates and reads them back as the same ISO strings', () => {
    const incident = {
      incidentId: 'INC-0123456789AB',
      firstAlertAt: '2026-01-01T00:00:00.000Z',
      lastAlertAt: '2026-01-01T00:01:00.000Z',
      openedAt: '2026-01-01T00:00:01.000Z',
      snoozedUntil: '2026-01-01T01:00:00.000Z',
      title: 'Checkout down',
    } as Incident;
    const doc = toIncidentDocument(incident);
    expect(doc._id).toBe('INC-0123456789AB');
    expect(doc.openedAt).toBeInstanceOf(Date);
    expect(doc.snoozedUntil).toBeInstanceOf(Date);
    expect('resolvedAt' in doc).toBe(false);
    const back = fromIncidentDocument(doc);
    expect(back).toMatchObject({
      incidentId: 'INC-0123456789AB',
      openedAt: incident.openedAt,
      snoozedUntil: incident.snoozedUntil,
      title: 'Checkout down',
    });
  });
});
