import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { HeartbeatSettings } from '../../domain/heartbeats';

// The heartbeat workflow's messages (`heartbeat:<name>`), defined once and used by the API.

/** The job is alive: `at` is when the API received the ping. */
export const pingSignal = defineSignal<[{ at: string }]>('ping');

/** The heartbeat's settings changed (interval, grace, severity, service, paused). */
export const configureSignal = defineSignal<[Omit<HeartbeatSettings, 'name'>]>('configure');

/** The heartbeat was deleted: its open incident resolves and the workflow ends. */
export const stopSignal = defineSignal<[{ by: string }]>('stop');

export type HeartbeatStatus = 'waiting' | 'up' | 'missed' | 'paused';

export interface HeartbeatView {
  name: string;
  status: HeartbeatStatus;
  lastPingAt?: string;
  /** When an incident opens unless a ping comes first (absent while paused or missed). */
  dueBy?: string;
  /** The workflow of the incident a missed ping opened, while it is open. */
  incidentWorkflowId?: string;
  /** Pings received since the workflow (re)started, across continue-as-new. */
  pings: number;
}

export const heartbeatQuery = defineQuery<HeartbeatView>('heartbeat');
