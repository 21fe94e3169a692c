import { Schema, type Connection, type Model } from 'mongoose';
import type { RunbookResult } from '../../domain/runbook';

/**
 * One entry per action performed, keyed by its idempotency key: a retried
 * attempt (say, after a worker died) finds it done and does not act twice.
 */
export interface ActionLedgerEntry {
  _id: string;
  action: string;
  /** `failed`: the attempt ended with an error, so a retry may act again; `started` alone: it never reported back. */
  state: 'started' | 'completed' | 'failed';
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
