import type { InsightsAnswer } from '../api/insights/service';
import { readableDuration, type ResponseFigures } from '../domain/insights';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { table } from './format';

const mean = (figures: ResponseFigures) =>
  figures.meanSeconds === null ? '-' : readableDuration(figures.meanSeconds);
const within = (figures: ResponseFigures) =>
  figures.count ? `${figures.withinTarget}/${figures.count}` : '-';
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The insights as tables, one per chart of the web UI's page. */
export function insightsText(i: InsightsAnswer): string {
  const sections = [
    `insights of the incidents opened from ${i.from} to ${i.to} (ISO weeks, UTC)\n`,
    `incidents per week\n${table(
      ['WEEK', 'STARTS', 'SEV1', 'SEV2', 'SEV3', 'SEV4', 'TOTAL'],
      i.incidentsPerWeek.map((w) => [w.week, w.start, w.SEV1, w.SEV2, w.SEV3, w.SEV4, w.total]),
    )}`,
    `MTTA and MTTR per week (mean; how many within their SLA target)\n${table(
      [
        'SEVERITY',
        'WEEK',
        'INCIDENTS',
        'MTTA',
        'ACK TARGET',
        'ACKED IN TIME',
        'MTTR',
        'RESOLVE TARGET',
        'RESOLVED IN TIME',
      ],
      i.responseTimes.flatMap((s) =>
        s.weeks
          .filter((w) => w.incidents > 0)
          .map((w) => [
            s.severity,
            w.week,
            w.incidents,
            mean(w.acknowledged),
            readableDuration(s.target.acknowledgeWithinSeconds),
            within(w.acknowledged),
            mean(w.resolved),
            readableDuration(s.target.resolveWithinSeconds),
            within(w.resolved),
          ]),
      ),
    )}`,
    `pages per person (night: 22:00-07:00 in their time zone)\n${table(
      ['PERSON', 'TIME ZONE', 'PAGES', 'AT NIGHT', 'NIGHT SHARE', 'INCIDENTS'],
      i.pagesPerPerson.map((p) => [
        p.personId,
        p.timeZone,
        p.pages,
        p.nightPages,
        percent(p.nightShare),
        p.incidents,
      ]),
    )}`,
    `noisiest services\n${table(
      ['SERVICE', 'INCIDENTS', 'ALERTS'],
      i.noisiestServices.map((s) => [s.service, s.incidents, s.alerts]),
    )}`,
    `noisiest alerts\n${table(
      ['SERVICE', 'DEDUP KEY', 'INCIDENTS', 'ALERTS', 'TITLE'],
      i.noisiestAlerts.map((a) => [a.service, a.dedupKey, a.incidents, a.alerts, a.title]),
    )}`,
    `flapping alerts (${i.flapping.minIncidents} or more incidents within ${readableDuration(i.flapping.windowSeconds)})\n${
      i.flapping.alerts.length === 0
        ? 'none\n'
        : i.flapping.alerts
            .map(
              (a) =>
                table(
                  ['SERVICE', 'DEDUP KEY', 'INCIDENTS', 'MOST IN WINDOW', 'FROM', 'TO'],
                  [[a.service, a.dedupKey, a.incidents, a.mostInWindow, a.windowFrom, a.windowTo]],
                ) + a.suggestions.map((s) => `  - ${s.kind}: ${s.text}\n`).join(''),
            )
            .join('\n')
    }`,
  ];
  return sections.join('\n');
}

function numberFlag(ctx: CommandContext, flag: string): string | undefined {
  const value = str(ctx, flag);
  if (value !== undefined && !/^\d+(\.\d+)?$/.test(value))
    throw new CliError(`--${flag} takes a number, got ${JSON.stringify(value)}`, ExitCode.usage);
  return value;
}

/** `fireline insights [--from T --to T | --weeks N] [--flap-count N] [--flap-window-hours H]`. */
export const insightsCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  async ''(ctx) {
    const from = str(ctx, 'from');
    const to = str(ctx, 'to');
    const weeks = numberFlag(ctx, 'weeks');
    if ((from === undefined) !== (to === undefined))
      throw new CliError('insights takes --from and --to together (or --weeks N)', ExitCode.usage);
    const answer = await ctx.api.request<InsightsAnswer>('GET', '/v1/insights', {
      query: {
        from,
        to,
        weeks,
        flapCount: numberFlag(ctx, 'flap-count'),
        flapWindowHours: numberFlag(ctx, 'flap-window-hours'),
      },
    });
    print(ctx, answer, () => insightsText(answer));
  },
};
