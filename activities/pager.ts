import { Context } from '@temporalio/activity';
import type { IncidentSeverity } from '../domain/incident';
import type { OnCallCatalog } from '../domain/oncall';
import { planSteps, urgencyOf, STORM_LIMIT, type StormLimit } from '../domain/notification-rules';
import { MAX_OPEN_PAGES, pagerStep, type PersonPagePlan } from '../domain/pager';
import { personById } from '../domain/rights';
import type { ContactMethodReader } from '../infra/contact-methods';
import { catalogWith, type RuntimeOnCallReader } from '../infra/runtime-oncall';
import { pagerWorkflowId } from '../workflows/pager/ids';
import { pageSignal, type PageRequest } from '../workflows/pager/messages';
import type { PagerWorkflowInput } from '../workflows/pager/input';

export interface PagerActivityDeps {
  catalog: OnCallCatalog;
  /** The people made at run time, as last read (named on their pages too). */
  runtimeOnCall?: Pick<RuntimeOnCallReader, 'lastKnown'>;
  /** People's verified methods and rules, with their fallback while MongoDB does not answer. */
  contactMethods?: ContactMethodReader;
  /** Texts and calls per person per window (tests shorten the window). */
  pagerStorm?: StormLimit;
}

export function createPagerActivities(deps: PagerActivityDeps) {
  const catalogOf = catalogWith(deps.catalog);
  const planOf = async (personId: string, severity: IncidentSeverity): Promise<PersonPagePlan> => {
    const catalog = deps.runtimeOnCall ? catalogOf(deps.runtimeOnCall.lastKnown()) : deps.catalog;
    const personName = personById(catalog, personId)?.name ?? personId;
    if (!deps.contactMethods) return { personName, steps: [] };
    const { methods, rules } = await deps.contactMethods.pagingProfile(personId);
    const steps = planSteps(rules, methods, urgencyOf(severity)).map(pagerStep);
    const bundleMethod = methods.find((m) => m.type === 'sms') ?? methods.find((m) => m.type === 'voice');
    return {
      personName,
      steps,
      ...(bundleMethod
        ? { bundleStep: pagerStep({ stepId: 'bundle', afterSeconds: 0, method: bundleMethod }) }
        : {}),
    };
  };
  return {
    /**
     * Asks the person's pager (`pager:<person>`) to page them for an incident,
     * starting it if it is not running, with their steps: their rules (or the
     * default) over their verified methods, read with a short timeout and the
     * last good copy during a MongoDB outage. A person without a verified
     * contact method has no rules to run: answers false, and no pager is started.
     */
    async pagePerson(input: { personId: string; request: PageRequest }): Promise<{ paged: boolean }> {
      const plan = await planOf(input.personId, input.request.severity);
      if (plan.steps.length === 0) return { paged: false };
      const { client, info } = Context.current();
      const workflowInput: PagerWorkflowInput = {
        personId: input.personId,
        storm: deps.pagerStorm ?? STORM_LIMIT,
        maxOpenPages: MAX_OPEN_PAGES,
      };
      await client.workflow.signalWithStart('pagerWorkflow', {
        workflowId: pagerWorkflowId(input.personId),
        taskQueue: info.taskQueue,
        args: [workflowInput],
        signal: pageSignal,
        signalArgs: [{ request: input.request, plan }],
      });
      return { paged: true };
    },
  };
}
