import { Context } from '@temporalio/activity';
import type { WebClient } from '@slack/web-api';
import type { ActionLinkSettings } from '../infra/action-links';
import type { DevInbox } from '../infra/dev-inbox';
import type { Transporter } from 'nodemailer';
import type { ActionImpl } from './actions';
import type { IncidentSeverity, SlaTarget } from '../domain/incident';
import type { RunbookMeta } from '../domain/runbook';
import type { EgressPolicy } from '../infra/egress';
import type { Models } from '../infra/models';
import type { RuntimeOnCallReader } from '../infra/runtime-oncall';
import type { ContactMethodReader } from '../infra/contact-methods';
import type { OnCallCatalog } from '../domain/oncall';
import type { TriageRules } from '../domain/triage-types';
import type { StormLimit } from '../domain/notification-rules';
import { createDiagnosticsActivities } from './diagnostics';
import { createIncidentActivities, saveIncidentDocument } from './incident';
import { createMaintenanceActivities } from './maintenance';
import { createNotifyActivities } from './notify';
import { createNotificationActivities } from './notifications';
import { createPagerActivities } from './pager';
import { createPostmortemActivities } from './postmortems';
import { createRunbookActivities } from './runbooks';
import type { HttpTransport } from './runbook-http';

export interface ActivityDeps {
  models: Models;
  triageRules: TriageRules;
  catalog: OnCallCatalog;
  /** Looked up by name for channel URLs and signing secrets. */
  secrets: Record<string, string | undefined>;
  publicUrl?: string;
  /** Signs the one-click acknowledge links of email, push and ntfy pages; none = no links. */
  actionLinks?: ActionLinkSettings;
  mailer?: Transporter;
  mailFrom: string;
  /** The schedules and overrides made at run time, with their fallback while MongoDB does not answer. */
  runtimeOnCall: RuntimeOnCallReader;
  /** How long a lookup on the paging path (a round-robin turn), or an escalation step's save, waits for MongoDB. */
  lookupTimeoutMs?: number;
  /** People's verified contact methods, with their fallback while MongoDB does not answer. */
  contactMethods?: ContactMethodReader;
  /** Texts and calls per person per window; STORM_LIMIT unless a test shortens it. */
  pagerStorm?: StormLimit;
  /** Development only (FIRELINE_DEV_INBOX): pages for channels that are not configured are kept here. */
  devInbox?: DevInbox;
  /** The Slack app's client (SLACK_BOT_TOKEN). */
  slack?: WebClient;
  runbookMetas: RunbookMeta[];
  slaTargets: Record<IncidentSeverity, SlaTarget>;
  postmortemReview: { reminderIntervalSeconds: number; remindersBeforeEscalation: number };
  /** Remediation actions runbooks can call (actions/index.ts). */
  actions: Record<string, ActionImpl>;
  /** Where runbook HTTP steps and actions may connect (FIRELINE_EGRESS_ALLOW). */
  egress: EgressPolicy;
  /** How runbook HTTP steps reach the network (default fetch through `egress`; the runbook test kit mocks it). */
  httpTransport?: HttpTransport;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  const notifications = createNotificationActivities(deps);
  const incidents = createIncidentActivities(deps);
  return {
    ...createDiagnosticsActivities(deps),
    ...incidents,
    ...createNotifyActivities({
      plan: (input) => incidents.planNotifications(input),
      deliver: (input) => notifications.deliverNotification(input),
      save: (input, abandoned) =>
        saveIncidentDocument(deps, input, () => abandoned() || Context.current().cancellationSignal.aborted),
      ...(deps.lookupTimeoutMs ? { saveWithinMs: deps.lookupTimeoutMs } : {}),
    }),
    ...createMaintenanceActivities(deps),
    ...notifications,
    ...createPagerActivities(deps),
    ...createRunbookActivities(deps),
    ...createPostmortemActivities({ ...deps, deliver: (input) => notifications.deliverNotification(input) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
