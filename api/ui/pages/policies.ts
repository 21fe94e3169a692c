import express, { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { targetIds } from '../../../domain/runtime-schedules';
import { NotFoundError } from '../../errors';
import { newPolicyBody, policyChangeBody, POLICY_LIMITS } from '../../oncall/policy-body';
import { policies } from '../../oncall/policies';
import { scheduleIdPattern } from '../../oncall/schedule-body';
import { changerOf } from '../../oncall/stored-kind';
import { formAction, formAsBody, formBody, rowsSent } from '../form-action';
import { LEVEL_FIELDS, policyFormFieldOf, policyFromForm, policyToForm } from '../policy-form';
import type { FormState } from '../views';
import { policyEditorPage } from '../views/policy-editor';
import { pageContext, sendPage, type PageKit, type UiPage } from './kit';

const NOTICES = {
  created: 'The policy is made: triage rules and services that name it page with it.',
  saved: 'Saved: the next page with this policy follows it, open incidents included.',
} as const;

const rowsOf = (body: Record<string, unknown>) => rowsSent(body, 'levels', POLICY_LIMITS.levels);
/** Level rows the form offers: the levels, and one more to add (two for a new policy). */
const rowsFor = (levels: number) => Math.min(POLICY_LIMITS.levels, levels + 1);

const checkedForm = <S extends z.ZodType>(schema: S, body: Record<string, unknown>) =>
  formAsBody(schema, () => policyFromForm(body, rowsOf(body)), policyFormFieldOf);

function policyParam(req: Request): string {
  const id = String(req.params.id);
  if (!scheduleIdPattern.test(id)) throw new NotFoundError(`No escalation policy ${id}`);
  return id;
}

async function showPolicy(
  kit: PageKit,
  res: Response,
  id: string | undefined,
  extra: { form?: FormState; notice?: string; status?: number; sent?: Record<string, unknown> } = {},
): Promise<void> {
  const policy = id === undefined ? undefined : await policies.get(kit.deps, id);
  // A refused form shows what was typed; otherwise the policy as stored.
  const values =
    (extra.form?.form === 'policy' ? extra.form.values : undefined) ??
    (policy ? policyToForm(policy) : { repeat: '0' });
  const rows = Math.max(extra.sent ? rowsOf(extra.sent) : 0, policy ? rowsFor(policy.levels.length) : 2);
  const known = targetIds(kit.deps.onCall.catalog);
  const page = policyEditorPage(pageContext(res), {
    ...(policy ? { policy } : {}),
    values,
    rows,
    targets: {
      person: [...known.person],
      schedule: [...known.schedule],
      team: [...known.team],
      channel: [...known.channel],
    },
    ...(extra.form ? { form: extra.form } : {}),
    ...(extra.notice ? { notice: extra.notice } : {}),
  });
  sendPage(res, page, extra.status);
}

/**
 * An escalation policy's page: its levels, and the editor of one made at run
 * time (levels with their targets and waits, round robin, repeat, fallback),
 * through the same checks and service as the API.
 */
export const policiesPage: UiPage = (kit) => {
  const router = Router();
  const { deps } = kit;
  // Three fields per level row: more than the kit's form parser takes.
  const parser = express.urlencoded({
    extended: false,
    limit: '64kb',
    parameterLimit: LEVEL_FIELDS.length * POLICY_LIMITS.levels + 8,
  });
  const rerender =
    (id: (req: Request) => string | undefined) =>
    (req: Request, res: Response, form: FormState, status: number) =>
      showPolicy(kit, res, id(req), { form, status, sent: formBody(req) });

  router.get('/ui/policies/new', ...kit.read, kit.may('oncall:write'), async (_req, res) => {
    await showPolicy(kit, res, undefined);
  });

  router.post(
    '/ui/policies',
    parser,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'policy',
      rerender: rerender(() => undefined),
      act: async (req, res) => {
        const { input, named } = checkedForm(newPolicyBody, formBody(req));
        const made = await policies.create(deps, input, changerOf(deps, res)).catch((err: unknown) => {
          throw named(err);
        });
        return `/ui/policies/${encodeURIComponent(made.id)}?done=created`;
      },
    }),
  );

  router.get('/ui/policies/:id', ...kit.read, async (req, res) => {
    const done = req.query.done;
    const notice =
      typeof done === 'string' && Object.hasOwn(NOTICES, done)
        ? NOTICES[done as keyof typeof NOTICES]
        : undefined;
    await showPolicy(kit, res, policyParam(req), notice ? { notice } : {});
  });

  router.post(
    '/ui/policies/:id',
    parser,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'policy',
      rerender: rerender((req) => String(req.params.id)),
      act: async (req, res) => {
        const id = policyParam(req);
        const { input, named } = checkedForm(policyChangeBody, formBody(req));
        await policies.replace(deps, id, input, changerOf(deps, res)).catch((err: unknown) => {
          throw named(err);
        });
        return `/ui/policies/${encodeURIComponent(id)}?done=saved`;
      },
    }),
  );

  router.post(
    '/ui/policies/:id/delete',
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'delete',
      rerender: rerender((req) => String(req.params.id)),
      act: async (req, res) => {
        const id = policyParam(req);
        const revision = Number(formBody(req).revision);
        await policies.remove(deps, id, Number.isInteger(revision) ? revision : 0, changerOf(deps, res));
        return '/ui/oncall?done=policy-deleted';
      },
    }),
  );

  return router;
};
