import type { AlertEvent } from '../../domain/incident';

/** A normalized trigger with every field filled in, for unit tests of pure code: override what a test is about. */
export function alertEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    eventId: 'e1',
    integration: 'native',
    service: 'search',
    dedupKey: 'k',
    action: 'trigger',
    summary: 's',
    severity: 'error',
    labels: {},
    annotations: {},
    links: [],
    occurredAt: '2026-11-26T10:00:00.000Z',
    receivedAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  };
}
