import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { actingOf } from '../identity';
import { validated } from '../validate';
import {
  contactMethodDepsOf,
  managedPerson,
  methodIdParam,
  methodShownTo,
  notificationRulesInput,
  personIdParam,
  readNotificationRules,
  replaceNotificationRules,
  whoAmI,
} from './profile';
import {
  addContactMethod,
  confirmationInput,
  confirmContactMethod,
  contactMethodInput,
  listPersonContactMethods,
  removeContactMethod,
  resendContactMethodCode,
  sendContactMethodTest,
} from './service';

const personParams = z.object({ personId: personIdParam });
const methodParams = personParams.extend({ methodId: methodIdParam });

/**
 * A person's contact methods and notification rules: their own, or anyone's
 * for an admin (api/contact-methods/profile.ts says who may). Any key linked
 * to a person may manage that person's: the routes need incidents:read only.
 */
export function contactMethodRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  const service = contactMethodDepsOf(deps);
  const managed = (res: Response, personId: string) =>
    managedPerson(deps.onCall.catalog, actingOf(res, deps.onCall.catalog), personId);

  router.get('/v1/me', ...guard('incidents:read'), (_req, res) => {
    res.json(whoAmI(actingOf(res, deps.onCall.catalog)));
  });

  router.get(
    '/v1/people/:personId/contact-methods',
    ...guard('incidents:read'),
    validated({ params: personParams }, async ({ params }, _req, res) => {
      const { self } = managed(res, params.personId);
      const methods = await listPersonContactMethods(service, params.personId);
      res.json({ personId: params.personId, methods: methods.map((m) => methodShownTo(m, self)) });
    }),
  );

  router.post(
    '/v1/people/:personId/contact-methods',
    ...guard('incidents:read'),
    validated({ params: personParams, body: contactMethodInput }, async ({ params, body }, _req, res) => {
      const { self } = managed(res, params.personId);
      const { method, delivery } = await addContactMethod(service, params.personId, body);
      res.status(201).json({ method: methodShownTo(method, self), delivery });
    }),
  );

  router.post(
    '/v1/people/:personId/contact-methods/:methodId/confirm',
    ...guard('incidents:read'),
    validated({ params: methodParams, body: confirmationInput }, async ({ params, body }, _req, res) => {
      const { self } = managed(res, params.personId);
      const method = await confirmContactMethod(service, params.personId, params.methodId, body);
      res.json(methodShownTo(method, self));
    }),
  );

  router.post(
    '/v1/people/:personId/contact-methods/:methodId/resend',
    ...guard('incidents:read'),
    validated({ params: methodParams }, async ({ params }, _req, res) => {
      const { self } = managed(res, params.personId);
      const { method, delivery } = await resendContactMethodCode(service, params.personId, params.methodId);
      res.json({ method: methodShownTo(method, self), delivery });
    }),
  );

  router.post(
    '/v1/people/:personId/contact-methods/:methodId/test',
    ...guard('incidents:read'),
    validated({ params: methodParams }, async ({ params }, _req, res) => {
      managed(res, params.personId);
      res.json(await sendContactMethodTest(service, params.personId, params.methodId));
    }),
  );

  router.delete(
    '/v1/people/:personId/contact-methods/:methodId',
    ...guard('incidents:read'),
    validated({ params: methodParams }, async ({ params }, _req, res) => {
      managed(res, params.personId);
      await removeContactMethod(service, params.personId, params.methodId);
      res.status(204).end();
    }),
  );

  router.get(
    '/v1/people/:personId/notification-rules',
    ...guard('incidents:read'),
    validated({ params: personParams }, async ({ params }, _req, res) => {
      managed(res, params.personId);
      res.json(await readNotificationRules(deps, params.personId));
    }),
  );

  router.put(
    '/v1/people/:personId/notification-rules',
    ...guard('incidents:read'),
    validated({ params: personParams, body: notificationRulesInput }, async ({ params, body }, _req, res) => {
      managed(res, params.personId);
      res.json(await replaceNotificationRules(deps, params.personId, body));
    }),
  );

  return router;
}
