// The name a heartbeat's workflow goes by, built and parsed here and nowhere else.
import { heartbeatNamePattern } from '../../domain/heartbeats';

/** `heartbeat:<name>`, e.g. `heartbeat:nightly-backup`. */
export function heartbeatWorkflowId(name: string): string {
  if (!heartbeatNamePattern.test(name)) throw new Error(`${JSON.stringify(name)} is not a heartbeat name`);
  return `heartbeat:${name}`;
}

/** The heartbeat a workflow id names, or undefined for any other id. */
export function heartbeatOfWorkflowId(workflowId: string): string | undefined {
  const match = /^heartbeat:(.+)$/.exec(workflowId);
  return match && heartbeatNamePattern.test(match[1]!) ? match[1] : undefined;
}
