import { mongo } from 'mongoose';
import type { Postmortem } from '../../domain/postmortem';
import { fromPostmortemDocument, toPostmortemDocument } from '../../infra/models';

const at = (seq: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();

const postmortem = (lines: number): Postmortem => ({
  postmortemId: 'PM-D0CUMENT0001',
  incidentId: 'INC-D0CUMENT0001',
  title: 'Disk full',
  summary: 'SEV2 P2 on storage: Disk full.',
  service: 'storage',
  severity: 'SEV2',
  priority: 'P2',
  team: 'sre',
  major: false,
  labels: { 'k8s.io/node': 'node-1' },
  annotations: {},
  status: 'draft',
  owner: 'team:sre',
  times: {
    startedAt: at(0),
    detectedAt: at(0),
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: at(lines),
  },
  durationSeconds: lines,
  metrics: {
    timeToDetectSeconds: 0,
    timeToAcknowledgeSeconds: null,
    timeToMitigateSeconds: null,
    timeToResolveSeconds: lines,
  },
  timeline: Array.from({ length: lines }, (_, i) => ({
    at: at(i),
    type: i % 2 ? 'note' : 'notification.sent',
    actor: i % 2 ? 'user:ada' : 'fireline',
    message: `event "${i}" — ünïcode`,
    count: 1,
    seqFrom: i + 1,
    seqTo: i + 1,
  })),
  responders: [{ actor: 'user:ada', roles: ['notes'] }],
  runbooks: [],
  slaBreaches: [],
  rootCause: '',
  contributingFactors: [],
  mitigators: [],
  lessonsLearned: '',
  actionItems: [],
  prompts: { rootCause: 'What failed?' },
  reminders: [],
  generatedAt: at(lines),
  updatedAt: at(lines),
});

describe('stored post-mortem', () => {
  it('keeps the timeline as gzipped JSON, many times smaller, and reads it back as it was', () => {
    const pm = postmortem(5_000);
    const doc = toPostmortemDocument(pm);
    expect(Buffer.isBuffer(doc.timeline)).toBe(true);
    expect((doc.timeline as Buffer).length).toBeLessThan(JSON.stringify(pm.timeline).length / 5);
    expect(fromPostmortemDocument(doc)).toEqual(pm);
    // The driver reads binary data back as a Binary.
    expect(fromPostmortemDocument({ ...doc, timeline: new mongo.Binary(doc.timeline as Buffer) })).toEqual(
      pm,
    );
  });

  it('reads a draft stored before its timeline was compressed, as a JSON string', () => {
    const pm = postmortem(3);
    const doc = { ...toPostmortemDocument(pm), timeline: JSON.stringify(pm.timeline) };
    expect(fromPostmortemDocument(doc)).toEqual(pm);
  });
});
