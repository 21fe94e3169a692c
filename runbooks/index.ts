// Every runbook Fireline knows: add yours here. Runbooks are workflow code
// (they run in Temporal's sandbox); their metadata is also read by the API.
// Never import ./testing here: this file is in the workflow bundle, the test kit is not.
import type { RunbookMeta } from '../domain/runbook';
import cleanDisk from './clean-disk';
import restartService from './restart-service';
import rollbackDeploy from './rollback-deploy';
import scaleOutQueue from './scale-out-queue';
import type { Runbook } from './sdk';

const all: Runbook<never>[] = [restartService, cleanDisk, rollbackDeploy, scaleOutQueue];

export const runbooks: ReadonlyMap<string, Runbook<never>> = new Map(all.map((r) => [r.meta.id, r]));

export function runbookMetas(): RunbookMeta[] {
  return all.map((r) => r.meta);
}
