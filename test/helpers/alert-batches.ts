import { expandedBytes, fromAlertmanager } from '../../api/alerts/normalize';
import { alertLimits, alertmanagerWebhookSchema } from '../../api/alerts/schemas';

/** The body limit of the API's JSON parser (api/app.ts). */
const maxBodyBytes = 1024 * 1024;

/** What an Alertmanager webhook's alerts come to as the API's events (UTF-8 JSON bytes). */
export function expandedSizeOf(webhook: unknown): number {
  const events = fromAlertmanager(alertmanagerWebhookSchema.parse(webhook), 'alertmanager', new Date());
  return expandedBytes(events, Infinity);
}

/**
 * An Alertmanager webhook (version 4) of `alerts` firing alerts of one
 * service and cluster whose events come to exactly `targetBytes`: the common
 * annotations, which every alert carries, make up the size, and one alert's
 * label the last few bytes. Within every schema limit and the body limit.
 */
export function alertmanagerBatchExpandingTo(
  targetBytes: number,
  options: {
    service: string;
    cluster: string;
    alerts?: number;
    /** Characters of a label of each alert's own (`text`), to fill the body too. */
    alertLabelChars?: number;
  },
): Record<string, unknown> {
  const count = options.alerts ?? 1000;
  const own = options.alertLabelChars ? { text: 't'.repeat(options.alertLabelChars) } : {};
  const build = (commonChars: number, padChars: number) => {
    // Common annotations of at most 16,384 characters each, as many as the size needs.
    const commonAnnotations: Record<string, string> = {};
    for (let i = 0; commonChars > 0; i++) {
      const length = Math.min(commonChars, alertLimits.maxAnnotationValueLength);
      commonAnnotations[`detail_${i}`] = 'd'.repeat(length);
      commonChars -= length;
    }
    const labels = { alertname: 'Expansion', service: options.service, cluster: options.cluster };
    return {
      version: '4',
      groupKey: `{}:{alertname="Expansion",cluster="${options.cluster}"}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'fireline',
      groupLabels: { alertname: 'Expansion' },
      commonLabels: labels,
      commonAnnotations,
      externalURL: 'http://alertmanager.local:9093',
      alerts: Array.from({ length: count }, (_, i) => ({
        status: 'firing',
        labels: {
          ...labels,
          ...own,
          instance: `node-${i}`,
          ...(i === 0 ? { pad: 'p'.repeat(padChars) } : {}),
        },
        annotations: {},
        startsAt: '2026-12-01T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph?g0.expr=up',
        fingerprint: `${options.cluster}-node-${i}`,
      })),
    };
  };
  // Each character of the common annotations adds one byte to every alert's event.
  let commonChars = 0;
  for (let i = 0; i < 5; i++)
    commonChars += Math.floor((targetBytes - expandedSizeOf(build(commonChars, 1))) / count);
  const webhook = build(commonChars, 1 + targetBytes - expandedSizeOf(build(commonChars, 1)));
  const size = expandedSizeOf(webhook);
  if (size !== targetBytes) throw new Error(`the batch comes to ${size} bytes, not ${targetBytes}`);
  const body = Buffer.byteLength(JSON.stringify(webhook));
  if (body > maxBodyBytes) throw new Error(`the batch's body is ${body} bytes, over the body limit`);
  return webhook;
}
