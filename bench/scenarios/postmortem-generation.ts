import { createPostmortemActivities } from '../../activities/postmortems';
import { toMarkdown } from '../../api/postmortems/render';
import type { TimelineType } from '../../domain/incident';
import { fromPostmortemDocument } from '../../infra/models';
import { saveTimelineEntries } from '../../infra/timeline-store';
import type { Bench } from '../environment';
import { log, ms } from '../measure';

/** An error message as one Markdown table cell, shortened. */
const tableCell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300);

/**
 * Post-mortem generation from 100 to 100,000 timeline events, on copies of the
 * runbook scenario's incident. A size the activity cannot handle is a row
 * with its error, not the end of the run.
 */
export async function postmortemGeneration(bench: Bench): Promise<void> {
  const { models } = bench;
  const pmActivities = createPostmortemActivities({
    models,
    catalog: { people: [], channels: [], schedules: [], policies: [] },
    postmortemReview: { reminderIntervalSeconds: 86_400, remindersBeforeEscalation: 3 },
    deliver: async () => ({ detail: 'unused' }),
  });
  const template = await models.Incident.findOne({ service: 'bench-runbook' }).lean();
  if (!template) throw new Error('no incident to copy');
  const pmLines: string[] = [];
  for (const size of [100, 1_000, 10_000, 100_000]) {
    const incidentId = `INC-BENCH-PM-${size}`;
    const openedAt = new Date(Date.now() - size * 1000);
    await models.Incident.collection.insertOne({
      ...template,
      _id: incidentId,
      workflowId: `bench:${incidentId}`,
      status: 'resolved',
      openedAt,
      acknowledgedAt: new Date(openedAt.getTime() + 60_000),
      acknowledgedBy: 'bench',
      resolvedAt: new Date(),
      resolvedBy: 'bench',
      timelineLength: size,
    } as never);
    // Real entry kinds, interleaved so that none folds: a post-mortem line per entry.
    const kinds: TimelineType[] = ['alert', 'notification.sent', 'note', 'runbook.step'];
    const entries = Array.from({ length: size }, (_, i) => ({
      seq: i + 1,
      at: new Date(openedAt.getTime() + i * 1000).toISOString(),
      type: kinds[i % kinds.length]!,
      actor: i % 4 === 2 ? 'user:bench' : 'fireline',
      message: `benchmark event ${i + 1}`,
      data: {},
    }));
    for (let i = 0; i < entries.length; i += 1000)
      await saveTimelineEntries(models.TimelinePage, incidentId, entries.slice(i, i + 1000));
    const t0 = performance.now();
    const generated = await pmActivities.generatePostmortem({ incidentId }).then(
      ({ postmortemId }) => ({ postmortemId, generateMs: performance.now() - t0 }),
      (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
    );
    if ('error' in generated) {
      log(`post-mortem of ${size} events failed: ${generated.error}`);
      pmLines.push(`| ${size.toLocaleString('en')} | failed: ${tableCell(generated.error)} | | |`);
      continue;
    }
    const pm = await models.Postmortem.findById(generated.postmortemId).lean();
    if (!pm) throw new Error(`post-mortem ${generated.postmortemId} was not stored`);
    const t1 = performance.now();
    const markdown = toMarkdown(fromPostmortemDocument(pm));
    const renderMs = performance.now() - t1;
    pmLines.push(
      `| ${size.toLocaleString('en')} | ${ms(generated.generateMs)} | ${ms(renderMs)} | ${(markdown.length / 1024).toFixed(0)} KiB |`,
    );
  }
  bench.section('Post-mortem generation', [
    '| timeline events | read incident + timeline, build, store (activity) | render Markdown | Markdown size |',
    '|---|---|---|---|',
    ...pmLines,
  ]);
}
