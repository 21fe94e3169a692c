import { createHash, randomUUID } from 'node:crypto';
import type { AlertEvent, AlertLink, AlertSeverity } from '../../domain/incident';
import type { AlertmanagerWebhook, GrafanaWebhook, NativeAlert, PagerDutyEvent } from './schemas';

function hashKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

/** Native alerts without a dedupKey dedupe on service and summary: the same alert twice is one incident. */
export function nativeDedupKey(alert: Pick<NativeAlert, 'service' | 'summary'>): string {
  return hashKey(alert.service, alert.summary);
}

export function fromNative(alert: NativeAlert, receivedAt: Date): AlertEvent {
  return {
    eventId: randomUUID(),
    integration: 'native',
    service: alert.service,
    dedupKey: alert.dedupKey ?? nativeDedupKey(alert),
    action: alert.action,
    summary: alert.summary,
    severity: alert.severity,
    ...(alert.source ? { source: alert.source } : {}),
    labels: alert.labels,
    annotations: alert.annotations,
    links: alert.links,
    occurredAt: alert.timestamp ? new Date(alert.timestamp).toISOString() : receivedAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
  };
}

/** PagerDuty generates a dedup key for a trigger without one; so does Fireline (32 hex characters). */
export function generatedDedupKey(): string {
  return randomUUID().replace(/-/g, '');
}

export function fromPagerDuty(
  event: PagerDutyEvent,
  service: string,
  dedupKey: string,
  receivedAt: Date,
): AlertEvent {
  const payload = event.payload;
  const links: AlertLink[] = [
    ...(event.links ?? []),
    ...(event.client_url ? [{ href: event.client_url, text: event.client ?? 'Source' }] : []),
  ];
  return {
    eventId: randomUUID(),
    integration: 'pagerduty',
    service,
    dedupKey,
    action: event.event_action,
    summary: payload?.summary ?? `${event.event_action} ${dedupKey}`,
    severity: payload?.severity ?? 'info',
    ...(payload?.source ? { source: payload.source } : {}),
    ...(payload?.component ? { component: payload.component } : {}),
    ...(payload?.group ? { group: payload.group } : {}),
    ...(payload?.class ? { class: payload.class } : {}),
    labels: {},
    annotations: {},
    links,
    ...(payload?.custom_details ? { details: payload.custom_details } : {}),
    occurredAt: payload?.timestamp ? new Date(payload.timestamp).toISOString() : receivedAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
  };
}

/** Alertmanager severities vary by team; map the common spellings. */
export function severityFromLabel(value: string | undefined): AlertSeverity {
  switch ((value ?? '').toLowerCase()) {
    case 'critical':
    case 'page':
    case 'p1':
    case 'fatal':
      return 'critical';
    case 'error':
    case 'high':
    case 'major':
    case 'p2':
      return 'error';
    case 'info':
    case 'low':
    case 'none':
    case 'p4':
    case 'p5':
      return 'info';
    default:
      return 'warning';
  }
}

// `service.name` is OpenTelemetry's resource attribute, as Prometheus 3 keeps it.
const serviceLabels = ['service', 'service.name', 'app', 'job', 'namespace'];

/** The label that names an alert's service: the first of service/service.name/app/job/namespace with a value. */
function serviceLabelOf(labels: Record<string, string>): string | undefined {
  return serviceLabels.find((name) => labels[name]?.trim());
}

/** The service an Alertmanager/Grafana alert belongs to: a `service` (or `service.name`) label, else app/job/namespace, else the receiver. */
export function serviceOf(labels: Record<string, string>, receiver: string): string {
  const name = serviceLabelOf(labels);
  return (name ? labels[name]!.trim() : receiver).slice(0, 100);
}

/**
 * The request field that sets the service of the batch's alert `index` (as
 * fromAlertmanager reads it): its own label, the batch's common label, or the receiver.
 */
export function serviceFieldOf(webhook: AlertmanagerWebhook | GrafanaWebhook, index: number): string {
  const alert = webhook.alerts[index]!;
  const name = serviceLabelOf({ ...webhook.commonLabels, ...alert.labels });
  if (!name) return 'body.receiver';
  return Object.hasOwn(alert.labels, name)
    ? `body.alerts.${index}.labels.${name}`
    : `body.commonLabels.${name}`;
}

export function fromAlertmanager(
  webhook: AlertmanagerWebhook | GrafanaWebhook,
  integration: 'alertmanager' | 'grafana',
  receivedAt: Date,
): AlertEvent[] {
  return webhook.alerts.map((alert) => {
    const labels = { ...webhook.commonLabels, ...alert.labels };
    const annotations = { ...webhook.commonAnnotations, ...alert.annotations };
    const sortedLabels = Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b));
    const links: AlertLink[] = [];
    if (alert.generatorURL) links.push({ href: alert.generatorURL, text: 'Source' });
    const grafana = alert as Partial<GrafanaWebhook['alerts'][number]>;
    if (grafana.dashboardURL) links.push({ href: grafana.dashboardURL, text: 'Dashboard' });
    if (grafana.panelURL) links.push({ href: grafana.panelURL, text: 'Panel' });
    if (grafana.silenceURL) links.push({ href: grafana.silenceURL, text: 'Silence' });
    if (annotations.runbook_url) links.push({ href: annotations.runbook_url, text: 'Runbook' });
    return {
      eventId: randomUUID(),
      integration,
      service: serviceOf(labels, webhook.receiver),
      // The fingerprint identifies the alert across notifications; without one, its sorted labels do.
      dedupKey: alert.fingerprint ?? hashKey(...sortedLabels.map(([k, v]) => `${k}=${v}`)),
      action: alert.status === 'resolved' ? 'resolve' : 'trigger',
      summary: (
        annotations.summary ??
        annotations.description ??
        labels.alertname ??
        webhook.groupKey ??
        'alert'
      ).slice(0, 1024),
      severity: severityFromLabel(labels.severity),
      source: labels.instance ?? webhook.externalURL ?? integration,
      labels,
      annotations,
      links,
      ...(grafana.values ? { details: { values: grafana.values } } : {}),
      occurredAt: alert.startsAt ? new Date(alert.startsAt).toISOString() : receivedAt.toISOString(),
      receivedAt: receivedAt.toISOString(),
    };
  });
}

/**
 * The events' size as Temporal receives them (UTF-8 JSON), counted only up to
 * just past `limit`: a request that expands to far more is not serialized whole.
 */
export function expandedBytes(events: AlertEvent[], limit: number): number {
  let bytes = 0;
  for (const event of events) {
    bytes += Buffer.byteLength(JSON.stringify(event));
    if (bytes > limit) break;
  }
  return bytes;
}
