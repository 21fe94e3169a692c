import type { RunbookRunSummary } from '../../domain/incident';
import type { ApprovalRequest } from '../../domain/runbook';
import {
  RUNBOOK_RUNS_LISTED,
  SETTLED_APPROVALS_LISTED,
  dropOldest,
  trimRunbookLists,
} from '../../domain/runbook-lists';

const run = (n: number, status: RunbookRunSummary['status']): RunbookRunSummary => ({
  runId: `run-${n}`,
  runbookId: 'restart-service',
  status,
  requestedBy: 'fireline',
  startedAt: '2026-11-26T12:00:00.000Z',
});

const approval = (n: number, runId: string, status: ApprovalRequest['status']): ApprovalRequest => ({
  approvalId: `ap-${n}`,
  runId,
  runbookId: 'restart-service',
  step: 'restart',
  prompt: 'Restart?',
  approvers: [],
  requestedBy: 'user:dave',
  allowSelfApproval: false,
  params: {},
  requestedAt: '2026-11-26T12:00:00.000Z',
  expiresAt: '2026-11-26T12:30:00.000Z',
  onTimeout: 'reject',
  status,
});

describe('bounded runbook lists', () => {
  it('drops the oldest done items past the limit and keeps the rest in order', () => {
    const items = [1, 2, 3, 4, 5, 6];
    expect(dropOldest(items, 2, (n) => n % 2 === 0)).toBe(1);
    expect(items).toEqual([1, 3, 4, 5, 6]);
    expect(dropOldest(items, 2, (n) => n % 2 === 0)).toBe(0);
  });

  it('counts the settled runs and approvals it drops; running runs and their pending approvals stay', () => {
    const extra = 3;
    const incident = {
      runbookRuns: [
        run(0, 'running'),
        ...Array.from({ length: RUNBOOK_RUNS_LISTED + extra }, (_, i) => run(i + 1, 'succeeded')),
      ],
      approvals: [
        approval(0, 'run-0', 'pending'),
        // Pending, but its run has ended: settled.
        approval(1, 'run-1', 'pending'),
        ...Array.from({ length: SETTLED_APPROVALS_LISTED + extra - 1 }, (_, i) =>
          approval(i + 2, 'run-0', 'approved'),
        ),
      ],
      unlistedRunbookRuns: 4,
    };
    trimRunbookLists(incident);
    expect(incident.runbookRuns).toHaveLength(RUNBOOK_RUNS_LISTED + 1);
    expect(incident.runbookRuns[0]!.runId).toBe('run-0');
    expect(incident.runbookRuns[1]!.runId).toBe(`run-${extra + 1}`);
    expect(incident.unlistedRunbookRuns).toBe(4 + extra);
    expect(incident.approvals).toHaveLength(SETTLED_APPROVALS_LISTED + 1);
    expect(incident.approvals[0]!.approvalId).toBe('ap-0');
    expect(incident.approvals[1]!.approvalId).toBe(`ap-${extra + 1}`);
    expect(incident).toMatchObject({ unlistedApprovals: extra });
  });
});
