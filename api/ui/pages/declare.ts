import { Router, type Request, type Response } from 'express';
import { checkedBy } from '../../actions/run';
import { actingOf } from '../../identity';
import { DECLARE_SCOPE, declarationSchema, declareIncident } from '../../incidents/declare';
import { formAction, formBody } from '../form-action';
import { declarePage as declareView, type FormState } from '../views';
import { incidentPath } from '../views/parts';
import { pageContext, sendPage, type UiPage } from './kit';

/** The form's fields as the API's body: an empty description is none. */
function declarationFromForm(body: Record<string, unknown>) {
  const value = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
  const description = value('description')?.trim();
  return checkedBy(
    declarationSchema,
    {
      service: value('service')?.trim() ?? '',
      title: value('title') ?? '',
      severity: value('severity') ?? '',
      ...(description ? { description } : {}),
    },
    'body',
  );
}

/**
 * Declare: the form a person reports an incident with, validated by the API's
 * schema and declared through the same service (and rights check) as
 * `POST /v1/incidents`; then on to the new incident's page.
 */
export const declarePage: UiPage = (kit) => {
  const router = Router();
  const rerender = async (_req: Request, res: Response, form: FormState, status: number) =>
    sendPage(res, declareView(pageContext(res), { form }), status);

  router.get('/ui/declare', ...kit.read, (_req, res) => {
    sendPage(res, declareView(pageContext(res), {}));
  });

  router.post(
    '/ui/declare',
    ...kit.post,
    kit.may(DECLARE_SCOPE),
    formAction({
      form: () => 'declare',
      rerender,
      formField: (field) => field.replace(/^body\./, ''),
      act: async (req, res) => {
        const input = declarationFromForm(formBody(req));
        const declared = await declareIncident(kit.deps, input, actingOf(res, kit.deps.onCall.catalog));
        return `${incidentPath(declared.incidentId)}?done=declared`;
      },
    }),
  );
  return router;
};
