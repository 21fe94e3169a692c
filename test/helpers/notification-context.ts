import type { NotificationContext } from '../../domain/incident';

/** A SEV1 page of payments' incident at level 1, as the channels receive it; `overrides` change any part. */
export function pageContext(overrides: Partial<NotificationContext> = {}): NotificationContext {
  return {
    incidentId: 'INC-ABCDEF123456',
    title: 'Card authorisations failing',
    service: 'payments',
    severity: 'SEV1',
    priority: 'P1',
    status: 'triggered',
    labels: {},
    major: false,
    team: 'payments',
    alertCount: 1,
    links: [],
    reason: 'level 1',
    ...overrides,
  };
}
