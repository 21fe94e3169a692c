import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { alertLimits } from '../../api/alerts/schemas';
import type { GroupingRules } from '../../domain/grouping';
import { groupedIncidentWorkflowId } from '../../workflows/incident/ids';
import { alertmanagerBatchExpandingTo } from '../helpers/alert-batches';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// An Alertmanager request copies its common labels and annotations into each of up to 1,000
// alerts: what it expands to is bounded (alertLimits.maxExpandedBytes), and beyond it refused.
// A request at the bound becomes one incident: test/integration/alert-limits.test.ts.
const groupingRules: GroupingRules = {
  rules: [{ id: 'by-cluster', match: { service: 'expansion' }, by: ['labels.cluster'] }],
};

describe('what one webhook request may expand to', () => {
  let env: TestEnv;
  const limit = alertLimits.maxExpandedBytes;

  beforeAll(async () => {
    // No worker: what is asserted is what the API refuses, and that nothing reached Temporal.
    env = await createTestEnv({ groupingRules });
  });
  afterAll(async () => env.teardown());

  it('refuses a request of 1,000 alerts expanding one byte past the bound with 413 naming it', async () => {
    const webhook = alertmanagerBatchExpandingTo(limit + 1, { service: 'expansion', cluster: 'over' });
    const res = await request(env.app).post('/v1/integrations/alertmanager').send(webhook).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.details).toEqual([{ field: 'body.alerts', message: expect.any(String) }]);
    expect(res.body.error.details[0].message).toContain(`more than ${limit} bytes (8 MiB)`);
    expect(res.body.error.details[0].message).toContain('max_alerts');
    // Nothing of it was delivered.
    await expect(
      env.client.workflow.getHandle(groupedIncidentWorkflowId('by-cluster', ['over'])).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses 1,000 alerts that fill their label values at the body limit, naming it', async () => {
    // The schema allows 1,000 such alerts and more, but not in one 1 MB body.
    const alerts = Array.from({ length: 1000 }, (_, i) => ({
      status: 'firing',
      labels: {
        service: 'expansion',
        cluster: 'body',
        instance: `${i}-`.padEnd(alertLimits.maxLabelValueLength, 'i'),
      },
      annotations: {},
      fingerprint: `body-${i}`,
    }));
    const res = await request(env.app)
      .post('/v1/integrations/alertmanager')
      .send({ version: '4', status: 'firing', receiver: 'fireline', alerts })
      .expect(413);
    expect(res.body.error).toEqual({
      code: 'payload_too_large',
      message: 'Request body is too large: at most 1048576 bytes',
      details: [{ field: 'body', message: 'at most 1048576 bytes of JSON' }],
    });
  });
});
