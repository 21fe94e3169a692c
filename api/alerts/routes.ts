import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AlertEvent } from '../../domain/incident';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { fieldErrorsFrom } from '../errors';
import { fromAlertmanager, fromNative, fromPagerDuty, generatedDedupKey } from './normalize';
import {
  alertmanagerWebhookSchema,
  grafanaWebhookSchema,
  nativeAlertSchema,
  pagerDutyEventSchema,
} from './schemas';
import { deliverAlertEvent, deliverAlertEvents } from '../incidents/service';
import { documented, validated } from '../validate';

function pagerDutyInvalid(res: Response, message: string, errors: string[]): void {
  res.status(400).json({ status: 'invalid event', message, errors });
}

export function alertRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.post(
    '/v1/alerts',
    ...guard('alerts:write'),
    validated({ body: nativeAlertSchema }, async ({ body }, _req, res) => {
      const event = fromNative(body, new Date());
      const result = await deliverAlertEvent(deps, event);
      res.status(202).json({
        status: result.outcome,
        action: event.action,
        dedupKey: event.dedupKey,
        workflowId: result.workflowId,
      });
    }),
  );

  // PagerDuty Events API v2: same path, body and answers, so a monitoring system only changes its URL.
  router.post(
    '/v2/enqueue',
    documented({ body: pagerDutyEventSchema }, async (req, res) => {
      const parsed = pagerDutyEventSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const errors = fieldErrorsFrom(parsed.error, 'body').map(
          (e) => `${e.field.replace(/^body\./, '')}: ${e.message}`,
        );
        pagerDutyInvalid(res, 'Event object is invalid', errors);
        return;
      }
      const event = parsed.data;
      const service = deps.routingKeys?.get(event.routing_key);
      if (!service) {
        pagerDutyInvalid(res, 'Event object is invalid', [
          'routing_key: not a known integration key (see FIRELINE_ROUTING_KEYS)',
        ]);
        return;
      }
      const dedupKey = event.dedup_key ?? generatedDedupKey();
      await deliverAlertEvent(deps, fromPagerDuty(event, service, dedupKey, new Date()));
      res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    }),
  );

  const webhook = (
    schema: typeof alertmanagerWebhookSchema | typeof grafanaWebhookSchema,
    integration: 'alertmanager' | 'grafana',
  ) =>
    validated(
      { body: schema as z.ZodType<z.output<typeof alertmanagerWebhookSchema>> },
      async ({ body }, _req, res) => {
        const events: AlertEvent[] = fromAlertmanager(body, integration, new Date());
        // All events are durably in Temporal before the 200; Alertmanager retries the whole batch otherwise.
        const results = await deliverAlertEvents(deps, events);
        res.status(200).json({
          status: 'success',
          processed: events.length,
          events: events.map((event, i) => ({
            service: event.service,
            dedupKey: event.dedupKey,
            action: event.action,
            outcome: results[i]!.outcome,
          })),
        });
      },
    );

  router.post(
    '/v1/integrations/alertmanager',
    ...guard('alerts:write', { queryToken: true }),
    webhook(alertmanagerWebhookSchema, 'alertmanager'),
  );
  router.post(
    '/v1/integrations/grafana',
    ...guard('alerts:write', { queryToken: true }),
    webhook(grafanaWebhookSchema, 'grafana'),
  );

  return router;
}
