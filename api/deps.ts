import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../infra/logger';
import type { Models } from '../infra/models';
import { LiveOnCallModel } from '../infra/live-oncall';
import type { OnCallCatalog } from '../domain/oncall';
import type { GroupingRules } from '../domain/grouping';
import type { TriageRules } from '../domain/triage-types';
import type { IncidentSeverity, SlaTarget } from '../domain/incident';
import nodemailer from 'nodemailer';
import { EgressPolicy } from '../infra/egress';
import type { ReachDeps } from '../infra/reach/send';

/** What the API needs from the process that hosts it; tests pass their own. */
export interface ApiDeps {
  config: Pick<
    Config,
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_ACTIONS_TASK_QUEUE'
    | 'TEMPORAL_NAMESPACE'
    | 'RATE_LIMIT_PER_MINUTE'
    | 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE'
    | 'ROUTING_KEY_RATE_LIMIT_PER_MINUTE'
    | 'TRUST_PROXY'
    | 'ANALYTICS_MAX_INCIDENTS'
    | 'TEMPORAL_UI_URL'
    | 'PUBLIC_URL'
  > &
    Partial<
      Pick<
        Config,
        | 'FIRELINE_DEV_INBOX'
        | 'SLACK_SIGNING_SECRET'
        | 'TWILIO_AUTH_TOKEN'
        | 'SLACK_TEAM_ID'
        | 'SLACK_APP_ID'
        | 'API_KEY_CACHE_SECONDS'
        | 'ALERT_SIGNAL_LINGER_MS'
        | 'API_KEY_OUTAGE_GRACE_SECONDS'
        | 'MONGODB_LOOKUP_TIMEOUT_MS'
        | 'ACTION_LINK_SECRET'
        | 'ACTION_LINK_TTL_SECONDS'
        | 'STATUS_PAGE_RATE_LIMIT_PER_MINUTE'
        | 'STATUS_PAGE_CACHE_SECONDS'
      >
    >;
  /** PagerDuty-compatible integration keys → service. */
  routingKeys?: Map<string, string>;
  /**
   * The on-call model: the catalog file (production passes config/oncall-catalog.ts)
   * with the people, teams, schedules and policies made at run time.
   */
  onCall: LiveOnCallModel;
  /** Which alerts share an incident: production passes config/grouping-rules.ts. */
  groupingRules: GroupingRules;
  /**
   * The worker's triage rules (config/triage-rules.ts): the team a declared
   * incident's service gets, for the rights of whoever declares it. Without
   * them, only rights on the service by name (or on every incident) allow declaring.
   */
  triageRules?: TriageRules;
  /** The response targets per severity insights draw beside MTTA and MTTR: config/sla-targets.ts, as the worker's. */
  slaTargets: Record<IncidentSeverity, SlaTarget>;
  temporal: Client;
  /** The Slack app's client (SLACK_BOT_TOKEN): ephemeral replies to buttons and commands. */
  slack?: WebClient;
  mongo: Connection;
  models: Models;
  logger: Logger;
  /**
   * How a person's new contact method is sent its code and a test page: provider credentials
   * looked up by name, PUBLIC_URL, the egress policy, the mailer (`apiReachDeps`). With no
   * credentials every provider is off (with FIRELINE_DEV_INBOX, codes are kept in the development inbox).
   */
  reach: ReachDeps;
}

/** The API's ReachDeps as production builds them: credentials from the environment. */
export function apiReachDeps(
  config: Pick<Config, 'PUBLIC_URL' | 'SMTP_URL' | 'SMTP_FROM' | 'FIRELINE_EGRESS_ALLOW'>,
  secrets: Record<string, string | undefined>,
  slack?: WebClient,
): ReachDeps {
  return {
    secrets,
    httpTimeoutMs: 10_000,
    publicUrl: config.PUBLIC_URL,
    egress: new EgressPolicy(config.FIRELINE_EGRESS_ALLOW),
    mailer: config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined,
    mailFrom: config.SMTP_FROM,
    ...(slack ? { slack } : {}),
  };
}

/** The API's view of the on-call model, as production builds it: the catalog file, then MongoDB's. */
export function liveOnCallModel(
  file: OnCallCatalog,
  models: Models,
  config: Partial<Pick<Config, 'MONGODB_LOOKUP_TIMEOUT_MS'>>,
  logger?: Logger,
): LiveOnCallModel {
  return new LiveOnCallModel(file, models, {
    ...(config.MONGODB_LOOKUP_TIMEOUT_MS ? { timeoutMs: config.MONGODB_LOOKUP_TIMEOUT_MS } : {}),
    ...(logger ? { logger } : {}),
  });
}
