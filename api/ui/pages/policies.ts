import type { Response } from 'express';
import { targetIds } from '../../../domain/runtime-schedules';
import { newPolicyBody, policyChangeBody, POLICY_LIMITS } from '../../oncall/policy-body';
import { policies } from '../../oncall/policies';
import { LEVEL_FIELDS, policyFormFieldOf, policyFromForm, policyToForm } from '../policy-form';
import { policyEditorPage } from '../views/policy-editor';
import { pageContext, sendPage, type PageKit, type UiPage } from './kit';
import { type ModelEditor, modelEditorRoutes, sentRows, type ShowExtra } from './model-editor';

const editor: ModelEditor<typeof newPolicyBody, typeof policyChangeBody> = {
  base: '/ui/policies',
  form: 'policy',
  noun: 'escalation policy',
  group: { name: 'levels', fields: LEVEL_FIELDS.length, max: POLICY_LIMITS.levels },
  fromForm: policyFromForm,
  fieldOf: policyFormFieldOf,
  schemas: { create: newPolicyBody, change: policyChangeBody },
  service: policies,
  notices: {
    created: 'The policy is made: triage rules and services that name it page with it.',
    saved: 'Saved: the next page with this policy follows it, open incidents included.',
  },
  deleted: '/ui/oncall?done=policy-deleted',
  show: showPolicy,
};

/** Level rows the form offers: the levels, and one more to add (two for a new policy). */
const rowsFor = (levels: number) => Math.min(POLICY_LIMITS.levels, levels + 1);

async function showPolicy(
  kit: PageKit,
  res: Response,
  id: string | undefined,
  extra: ShowExtra,
): Promise<void> {
  const policy = id === undefined ? undefined : await policies.get(kit.deps, id);
  // A refused form shows what was typed; otherwise the policy as stored.
  const values =
    (extra.form?.form === 'policy' ? extra.form.values : undefined) ??
    (policy ? policyToForm(policy) : { repeat: '0' });
  const rows = Math.max(
    extra.sent ? sentRows(editor, extra.sent) : 0,
    policy ? rowsFor(policy.levels.length) : 2,
  );
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
export const policiesPage: UiPage = (kit) => modelEditorRoutes(kit, editor);
