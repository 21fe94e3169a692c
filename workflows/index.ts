// Every workflow the worker registers. The bundle is built from this file.
export { roundTripWorkflow } from './diagnostics';
export { alertGroupWorkflow } from './alert-group';
export { incidentWorkflow } from './incident';
export { runbookWorkflow } from './runbook';
export { postmortemWorkflow } from './postmortem';
export { pagerWorkflow } from './pager';
export { heartbeatWorkflow } from './heartbeat';
