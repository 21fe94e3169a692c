import { z } from 'zod';
import { alertSeverities, eventActions } from '../../domain/incident';

const labelMap = z.record(z.string(), z.string());
const isoTimestamp = z.iso.datetime({ offset: true });
const link = z.object({ href: z.url(), text: z.string().max(1024).optional() });

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
    annotations: labelMap.default({}),
    links: z.array(link).max(20).default([]),
    timestamp: isoTimestamp.optional(),
    action: z.enum(eventActions).default('trigger'),
  })
  .strict();
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
        custom_details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    images: z
      .array(z.object({ src: z.string(), href: z.string().optional(), alt: z.string().optional() }))
      .optional(),
    links: z.array(link).optional(),
    client: z.string().max(255).optional(),
    client_url: z.url().optional(),
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
  annotations: labelMap.default({}),
  startsAt: isoTimestamp.optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(255).optional(),
});

const alertmanagerFields = {
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().min(1),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().optional(),
};

/** `POST /v1/integrations/alertmanager`: Prometheus Alertmanager webhook (version 4). */
export const alertmanagerWebhookSchema = z.object({
  ...alertmanagerFields,
  alerts: z.array(alertmanagerAlert).min(1).max(1000),
});
export type AlertmanagerWebhook = z.output<typeof alertmanagerWebhookSchema>;

/** `POST /v1/integrations/grafana`: Grafana Alerting webhook (Alertmanager's shape plus Grafana's fields). */
export const grafanaWebhookSchema = z.object({
  ...alertmanagerFields,
  orgId: z.number().int().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
  alerts: z
    .array(
      alertmanagerAlert.extend({
        values: z.record(z.string(), z.number().nullable()).nullable().optional(),
        silenceURL: z.string().optional(),
        dashboardURL: z.string().optional(),
        panelURL: z.string().optional(),
      }),
    )
    .min(1)
    .max(1000),
});
export type GrafanaWebhook = z.output<typeof grafanaWebhookSchema>;
