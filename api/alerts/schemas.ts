import { z } from 'zod';
import { alertSeverities, eventActions } from '../../domain/incident';

// Bounds on what a sender puts into an incident's signals and history: Temporal takes at most
// 2 MB per payload and 50 MB per run, so no field may be unbounded.
export const alertLimits = {
  /** Labels (or annotations) on one alert. */
  maxEntries: 128,
  maxNameLength: 256,
  maxLabelValueLength: 2048,
  maxAnnotationValueLength: 16_384,
  /** Names and values of one alert's labels and annotations together, in characters. */
  maxLabelsAndAnnotations: 65_536,
  /** PagerDuty custom_details (or Grafana values), as JSON. */
  maxDetailsBytes: 16_384,
  maxUrlLength: 2048,
  /**
   * What one Alertmanager or Grafana request may expand to: its events as
   * UTF-8 JSON, each carrying the batch's common labels, annotations,
   * receiver and URLs. A request within the other limits and the 1 MB body
   * limit comes to at most about 2.5 MB without that copying; past this bound
   * it is refused with 413, so no request turns into hundreds of megabytes
   * in memory and in an incident's history.
   */
  maxExpandedBytes: 8 * 1024 * 1024,
} as const;

/** In a `u` regex a pair is one code point, so only a lone surrogate (which no UTF-8 store can keep) matches. */
const loneSurrogate = /\p{Cs}/u;
const wellFormed = (value: string) => !loneSurrogate.test(value);

/** Any Unicode name (Prometheus 3 and OpenTelemetry allow `.`, `$`, …), but well-formed: it is stored as sent. */
const labelName = z
  .string()
  .min(1)
  .max(alertLimits.maxNameLength)
  .refine(wellFormed, 'must be well-formed Unicode (no lone surrogates)');
const text = (max: number) =>
  z.string().max(max).refine(wellFormed, 'must be well-formed Unicode (no lone surrogates)');
const stringMap = (maxValueLength: number) =>
  z
    .record(labelName, text(maxValueLength))
    .refine((map) => Object.keys(map).length <= alertLimits.maxEntries, {
      message: `must have at most ${alertLimits.maxEntries} entries`,
    });
const labelMap = stringMap(alertLimits.maxLabelValueLength);
const annotationMap = stringMap(alertLimits.maxAnnotationValueLength);
const isoTimestamp = z.iso.datetime({ offset: true });
const url = z.url().max(alertLimits.maxUrlLength);
const link = z.object({ href: url, text: z.string().max(1024).optional() });

/** Characters in a label or annotation map's names and values. */
export function mapSize(...maps: Array<Record<string, string> | undefined>): number {
  let size = 0;
  for (const map of maps)
    for (const [name, value] of Object.entries(map ?? {})) size += name.length + value.length;
  return size;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null));
}

export const serviceName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'must be 1-100 letters, digits, . _ - (starting with a letter or digit)',
  );
export const dedupKey = z.string().min(1).max(255);

/** `POST /v1/alerts`: Fireline's native alert. */
export const nativeAlertSchema = z
  .object({
    service: serviceName,
    summary: z.string().min(1).max(1024),
    severity: z.enum(alertSeverities),
    dedupKey: dedupKey.optional(),
    source: z.string().max(255).optional(),
    labels: labelMap.default({}),
    annotations: annotationMap.default({}),
    links: z.array(link).max(20).default([]),
    timestamp: isoTimestamp.optional(),
    action: z.enum(eventActions).default('trigger'),
  })
  .strict()
  .superRefine((alert, ctx) => {
    if (mapSize(alert.labels, alert.annotations) > alertLimits.maxLabelsAndAnnotations) {
      ctx.addIssue({
        code: 'custom',
        path: ['annotations'],
        message: `labels and annotations together must be at most ${alertLimits.maxLabelsAndAnnotations} characters`,
      });
    }
  });
export type NativeAlert = z.output<typeof nativeAlertSchema>;

/** `POST /v2/enqueue`: PagerDuty Events API v2. */
export const pagerDutyEventSchema = z
  .object({
    routing_key: z.string().min(1).max(255),
    event_action: z.enum(eventActions),
    dedup_key: dedupKey.optional(),
    payload: z
      .object({
        summary: z.string().min(1).max(1024),
        source: z.string().min(1).max(255),
        severity: z.enum(alertSeverities),
        timestamp: isoTimestamp.optional(),
        component: z.string().max(255).optional(),
        group: z.string().max(255).optional(),
        class: z.string().max(255).optional(),
        custom_details: z
          .record(z.string(), z.unknown())
          .refine((details) => jsonBytes(details) <= alertLimits.maxDetailsBytes, {
            message: `must be at most ${alertLimits.maxDetailsBytes} bytes as JSON`,
          })
          .optional(),
      })
      .optional(),
    images: z
      .array(
        z.object({
          src: z.string().max(alertLimits.maxUrlLength),
          href: z.string().max(alertLimits.maxUrlLength).optional(),
          alt: z.string().max(1024).optional(),
        }),
      )
      .max(20)
      .optional(),
    links: z.array(link).max(20).optional(),
    client: z.string().max(255).optional(),
    client_url: url.optional(),
  })
  .superRefine((event, ctx) => {
    if (event.event_action === 'trigger' && !event.payload) {
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'payload is required for trigger events' });
    }
    if (event.event_action !== 'trigger' && !event.dedup_key) {
      ctx.addIssue({
        code: 'custom',
        path: ['dedup_key'],
        message: `dedup_key is required for ${event.event_action} events`,
      });
    }
  });
export type PagerDutyEvent = z.output<typeof pagerDutyEventSchema>;

const alertmanagerAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: annotationMap.default({}),
  startsAt: isoTimestamp.optional(),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(alertLimits.maxUrlLength).optional(),
  fingerprint: z.string().min(1).max(255).optional(),
});

const alertmanagerFields = {
  version: z.string().max(16).optional(),
  groupKey: z.string().max(4096).optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().min(1).max(255),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: annotationMap.default({}),
  externalURL: z.string().max(alertLimits.maxUrlLength).optional(),
};

/** Each alert carries the common labels and annotations too: bound them together, per alert. */
function boundMergedMaps(
  webhook: {
    commonLabels: Record<string, string>;
    commonAnnotations: Record<string, string>;
    alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>;
  },
  ctx: z.RefinementCtx,
): void {
  webhook.alerts.forEach((alert, index) => {
    const labels = { ...webhook.commonLabels, ...alert.labels };
    const annotations = { ...webhook.commonAnnotations, ...alert.annotations };
    if (
      Object.keys(labels).length > alertLimits.maxEntries ||
      Object.keys(annotations).length > alertLimits.maxEntries
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', index, 'labels'],
        message: `with the common labels and annotations, each must have at most ${alertLimits.maxEntries} entries`,
      });
    } else if (mapSize(labels, annotations) > alertLimits.maxLabelsAndAnnotations) {
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', index, 'annotations'],
        message: `with the common labels and annotations, labels and annotations together must be at most ${alertLimits.maxLabelsAndAnnotations} characters`,
      });
    }
  });
}

/** `POST /v1/integrations/alertmanager`: Prometheus Alertmanager webhook (version 4). */
export const alertmanagerWebhookSchema = z
  .object({
    ...alertmanagerFields,
    alerts: z.array(alertmanagerAlert).min(1).max(1000),
  })
  .superRefine(boundMergedMaps);
export type AlertmanagerWebhook = z.output<typeof alertmanagerWebhookSchema>;

/** `POST /v1/integrations/grafana`: Grafana Alerting webhook (Alertmanager's shape plus Grafana's fields). */
export const grafanaWebhookSchema = z
  .object({
    ...alertmanagerFields,
    orgId: z.number().int().optional(),
    title: z.string().max(1024).optional(),
    state: z.string().max(64).optional(),
    message: z.string().max(alertLimits.maxAnnotationValueLength).optional(),
    alerts: z
      .array(
        alertmanagerAlert.extend({
          values: z
            .record(z.string().max(alertLimits.maxNameLength), z.number().nullable())
            .refine((values) => Object.keys(values).length <= alertLimits.maxEntries, {
              message: `must have at most ${alertLimits.maxEntries} entries`,
            })
            .nullable()
            .optional(),
          silenceURL: z.string().max(alertLimits.maxUrlLength).optional(),
          dashboardURL: z.string().max(alertLimits.maxUrlLength).optional(),
          panelURL: z.string().max(alertLimits.maxUrlLength).optional(),
        }),
      )
      .min(1)
      .max(1000),
  })
  .superRefine(boundMergedMaps);
export type GrafanaWebhook = z.output<typeof grafanaWebhookSchema>;
