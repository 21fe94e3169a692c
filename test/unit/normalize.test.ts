import {
  fromAlertmanager,
  fromNative,
  nativeDedupKey,
  serviceOf,
  severityFromLabel,
} from '../../api/alerts/normalize';
import { nativeAlertSchema } from '../../api/alerts/schemas';

describe('alert normalization', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('dedupes native alerts without a key on service and summary', () => {
    const a = fromNative(
      nativeAlertSchema.parse({ service: 'api', summary: 'Down', severity: 'critical' }),
      now,
    );
    const b = fromNative(
      nativeAlertSchema.parse({ service: 'api', summary: 'Down', severity: 'warning' }),
      now,
    );
    const c = fromNative(
      nativeAlertSchema.parse({ service: 'api', summary: 'Up?', severity: 'warning' }),
      now,
    );
    expect(a.dedupKey).toBe(b.dedupKey);
    expect(a.dedupKey).toBe(nativeDedupKey({ service: 'api', summary: 'Down' }));
    expect(c.dedupKey).not.toBe(a.dedupKey);
    expect(a).toMatchObject({ action: 'trigger', occurredAt: now.toISOString(), labels: {}, links: [] });
  });

  it('maps the usual Alertmanager severity spellings', () => {
    expect(
      ['critical', 'page', 'error', 'high', 'warning', 'info', 'none', undefined].map(severityFromLabel),
    ).toEqual(['critical', 'critical', 'error', 'error', 'warning', 'info', 'info', 'warning']);
  });

  it('takes the service from labels, else the receiver', () => {
    expect(serviceOf({ service: 'checkout', job: 'node' }, 'team-a')).toBe('checkout');
    expect(serviceOf({ job: 'node' }, 'team-a')).toBe('node');
    expect(serviceOf({}, 'team-a')).toBe('team-a');
  });

  it('keys Alertmanager alerts without a fingerprint by their sorted labels', () => {
    const webhook = {
      status: 'firing' as const,
      receiver: 'r',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      alerts: [
        { status: 'firing' as const, labels: { b: '2', a: '1' }, annotations: {} },
        { status: 'resolved' as const, labels: { a: '1', b: '2' }, annotations: {} },
      ],
    };
    const [firing, resolved] = fromAlertmanager(webhook, 'alertmanager', now);
    expect(firing!.dedupKey).toBe(resolved!.dedupKey);
    expect([firing!.action, resolved!.action]).toEqual(['trigger', 'resolve']);
  });
});
