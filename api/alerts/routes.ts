import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AlertEvent } from '../../domain/incident';
import { allowsService, principalOf, requireService, serviceForbidden, type Guard } from '../auth';
import { routingKeyGuards } from './routing-keys';
import type { ApiDeps } from '../deps';
import { fieldErrorsFrom, HttpError } from '../errors';
import {
  expandedBytes,
  fromAlertmanager,
  fromNative,
  fromPagerDuty,
  generatedDedupKey,
  serviceFieldOf,
} from './normalize';
import {
  alertLimits,
  alertmanagerWebhookSchema,
  grafanaWebhookSchema,
  nativeAlertSchema,
  pagerDutyEventSchema,
} from './schemas';
import { deliverAlertEvent, deliverAlertEvents, type DeliveryDeps } from '../incidents/alert-delivery';
import { documented, validated } from '../validate';
import { createAlertRouteStore } from './route-store';

function pagerDutyInvalid(res: Response, message: string, errors: string[]): void {
  res.status(400).json({ status: 'invalid event', message, errors });
}

/** 413 for a webhook whose alerts, each with the batch's common fields copied in, come to too much. */
function expansionTooLarge(alerts: number): HttpError {
  const limit = alertLimits.maxExpandedBytes;
  const message = `the ${alerts} alerts, each with the batch's common labels, annotations and URLs, come to more than ${limit} bytes (${limit / 1024 / 1024} MiB) as events, the most one request may expand to: send fewer alerts a request (Alertmanager: max_alerts) or fewer common labels and annotations`;
  return new HttpError(413, 'payload_too_large', `Request too large: body.alerts: ${message}`, [
    { field: 'body.alerts', message },
  ]);
}

/** The alert routes; `prelude` runs first on each (the app's body parser). */
export function alertRoutes(deps: ApiDeps, guard: Guard, prelude: RequestHandler[]): Router {
  const router = Router();
  // This process's view of where grouped alerts went: one per API process, as its signal queue is.
  const delivery: DeliveryDeps = {
    temporal: deps.temporal,
    config: deps.config,
    groupingRules: deps.groupingRules,
    alertRoutes: createAlertRouteStore(deps),
  };

  router.post(
    '/v1/alerts',
    ...prelude,
    ...guard('alerts:write'),
    validated({ body: nativeAlertSchema }, async ({ body }, _req, res) => {
      requireService(res, body.service, 'body.service');
      const event = fromNative(body, new Date());
      const result = await deliverAlertEvent(delivery, event);
      res.status(202).json({
        status: result.outcome,
        action: event.action,
        dedupKey: event.dedupKey,
        workflowId: result.workflowId,
      });
    }),
  );

  const { resolveRoutingKey, routingKeyLimit } = routingKeyGuards(deps);

  // PagerDuty Events API v2: same path, body and answers, so a monitoring system only changes its URL.
  router.post(
    '/v2/enqueue',
    ...prelude,
    resolveRoutingKey,
    routingKeyLimit,
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
      const service = res.locals.routingService as string | undefined;
      if (!service) {
        pagerDutyInvalid(res, 'Event object is invalid', [
          "routing_key: not a known integration key (see a service's integrations, or FIRELINE_ROUTING_KEYS)",
        ]);
        return;
      }
      const dedupKey = event.dedup_key ?? generatedDedupKey();
      await deliverAlertEvent(delivery, fromPagerDuty(event, service, dedupKey, new Date()));
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
        if (expandedBytes(events, alertLimits.maxExpandedBytes) > alertLimits.maxExpandedBytes)
          throw expansionTooLarge(events.length);
        // The whole batch or nothing: Alertmanager would resend the batch, delivering its allowed alerts twice.
        const principal = principalOf(res);
        const refused = events.findIndex((event) => !allowsService(principal, event.service));
        if (refused >= 0) {
          throw serviceForbidden(
            principal,
            events[refused]!.service,
            serviceFieldOf(body, refused),
            `alert ${refused} of the batch is for another service; no alert of the batch was delivered`,
          );
        }
        // All events are durably in Temporal before the 200; Alertmanager retries the whole batch otherwise.
        const results = await deliverAlertEvents(delivery, events);
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
    ...prelude,
    ...guard('alerts:write', { queryToken: true }),
    webhook(alertmanagerWebhookSchema, 'alertmanager'),
  );
  router.post(
    '/v1/integrations/grafana',
    ...prelude,
    ...guard('alerts:write', { queryToken: true }),
    webhook(grafanaWebhookSchema, 'grafana'),
  );

  return router;
}
