import type { IncidentState } from './state';
import { postmortemWorkflowId } from '../postmortem/ids';
import { firelineActor } from '../../domain/actors';

/**
 * The post-mortem outlives the incident: a workflow of its own, started once
 * per incident by the save of the resolved incident (see IncidentSaver), which
 * carries this entry. Neither waits for the other, and the incident's history
 * holds no child workflow.
 */
export function recordPostmortemStart(state: IncidentState): void {
  state.record(
    'postmortem.started',
    firelineActor,
    `Post-mortem drafting started (${postmortemWorkflowId(state.current.incidentId)})`,
  );
}
