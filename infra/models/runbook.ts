import { Schema, type Connection, type Model } from 'mongoose';
import type { RunbookResult } from '../../domain/runbook';

/**
 * One entry per action performed, keyed by its idempotency key: a retried
 * attempt (say, after a worker died) finds it done and does not act twice.
 * Inserting an entry is the lock (the only write MongoDB, and FerretDB, make
 * atomic across attempts): the attempt whose insert succeeds is the only one
 * that acts. A later attempt that may act again (after `failed`, or re-sending
 * an idempotent action) claims it by inserting a `claim` entry
 * `claim:<n>:<key>` for the next claim number, then updates the entry.
 */
export interface ActionLedgerEntry {
  _id: string;
  action: string;
  /**
   * `started`: an attempt is acting, or never reported back. `failed`: it ended
   * with an error that says nothing happened, so a retry may act again.
   * `unknown`: its request may have arrived (a timeout, a reset, a 5xx).
   * `claim`: the lock of one claim after the first, not an action.
   */
  state: 'started' | 'completed' | 'failed' | 'unknown' | 'claim';
  /** Claims made so far (absent: one). */
  claims?: number;
  /** The attempt holding the latest claim: `<attempt>:<uuid>`. */
  owner?: string;
  error?: string;
  summary?: string;
  output?: Record<string, unknown>;
  startedAt: Date;
  completedAt?: Date;
}

const actionLedgerSchema = new Schema<ActionLedgerEntry>(
  {
    _id: { type: String, required: true },
    action: { type: String, required: true },
    state: { type: String, required: true },
    claims: Number,
    owner: String,
    summary: String,
    error: String,
    output: Schema.Types.Mixed,
    startedAt: { type: Date, required: true },
    completedAt: Date,
  },
  { collection: 'action_ledger', versionKey: false },
);

export function actionLedgerModel(connection: Connection): Model<ActionLedgerEntry> {
  return connection.model<ActionLedgerEntry>('ActionLedgerEntry', actionLedgerSchema);
}

/** A drill's report: the steps and what would have happened. */
export interface DrillReportDocument extends Omit<RunbookResult, 'runId' | 'startedAt' | 'endedAt'> {
  _id: string;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
}

const drillReportSchema = new Schema<DrillReportDocument>(
  {
    _id: { type: String, required: true },
    runbookId: { type: String, required: true },
    status: { type: String, required: true },
    reason: String,
    verified: Boolean,
    resolveIncident: Boolean,
    dryRun: Boolean,
    steps: Schema.Types.Mixed,
    startedAt: { type: Date, required: true },
    endedAt: { type: Date, required: true },
    durationMs: { type: Number, required: true },
  },
  { collection: 'drill_reports', versionKey: false },
);
drillReportSchema.index({ runbookId: 1, startedAt: -1 });

export function drillReportModel(connection: Connection): Model<DrillReportDocument> {
  return connection.model<DrillReportDocument>('DrillReport', drillReportSchema);
}
