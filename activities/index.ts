import type { Transporter } from 'nodemailer';
import type { Models } from '../models';
import type { OnCallCatalog } from '../oncall/types';
import type { TriageRules } from '../triage/types';
import { createDiagnosticsActivities } from './diagnostics';
import { createIncidentActivities } from './incident';
import { createNotificationActivities } from './notifications';

export interface ActivityDeps {
  models: Models;
  triageRules: TriageRules;
  catalog: OnCallCatalog;
  /** Looked up by name for channel URLs and signing secrets. */
  secrets: Record<string, string | undefined>;
  publicUrl?: string;
  mailer?: Transporter;
  mailFrom: string;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDiagnosticsActivities(deps),
    ...createIncidentActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
