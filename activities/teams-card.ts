import type { NotificationContext } from '../domain/incident';
import { incidentHeadline, incidentSummary } from './channels/summary';

const severityColor: Record<string, string> = { SEV1: 'attention', SEV2: 'warning' };

// Teams shows at most six buttons on a card, fewer on mobile.
const maxActions = 5;
const maxTitle = 300;
const maxFact = 1000;
const maxLabels = 2000;
const maxButton = 100;

/**
 * Backslash-escapes what Teams' card markdown acts on, so that text from an alert shows as sent and
 * cannot make a link (`[text](url)`), emphasis, a heading or a list of its own. `{` and `}` too:
 * they would start the `{{DATE(…)}}` and `{{TIME(…)}}` functions.
 */
export function teamsEscape(text: string): string {
  return (
    text
      .replace(/[\\`*_{}[\]()#~<>!|]/g, '\\$&')
      // List items (`-`, `+`, `1.`) and setext underlines (`=`) only count at the start of a line.
      .replace(/^(\s*)([-+=])/gm, '$1\\$2')
      .replace(/^(\s*\d+)\./gm, '$1\\.')
  );
}

/** At most `max` characters (code points, so no surrogate pair is cut), with an ellipsis when cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Only web links become buttons: a link from an alert could name any scheme. */
function isWebUrl(href: string | undefined): href is string {
  if (!href) return false;
  try {
    const { protocol } = new URL(href);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The body a Teams Workflows webhook ("When a Teams webhook request is received") or an incoming
 * webhook takes: one Adaptive Card 1.4 attachment. Every text that can carry alert data is
 * markdown in Teams (TextBlocks and FactSet values), so it is escaped with teamsEscape; button
 * titles are plain text and are not.
 */
export function teamsMessage(context: NotificationContext, url: string | undefined): Record<string, unknown> {
  const { response } = context;
  const title = clip(context.title.replace(/\s+/g, ' ').trim(), maxTitle);
  const headline = incidentHeadline({ ...context, title });
  const labels = Object.entries(context.labels ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
  const bridgeUrl = isWebUrl(response?.bridgeUrl) ? response.bridgeUrl : undefined;
  const buttons = [
    ...(isWebUrl(url) ? [{ title: 'Open incident', url }] : []),
    ...(bridgeUrl ? [{ title: 'Join bridge', url: bridgeUrl }] : []),
    ...context.links.filter((l) => isWebUrl(l.href)).map((l) => ({ title: l.text || l.href, url: l.href })),
  ].slice(0, maxActions);

  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    // Teams renders up to 1.5; 1.4 also covers older clients and Outlook.
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        text: teamsEscape(headline),
        weight: 'bolder',
        size: 'large',
        color: severityColor[context.severity] ?? 'default',
        wrap: true,
      },
      {
        type: 'FactSet',
        facts: incidentSummary(context).map((fact) => ({
          title: fact.label,
          value: teamsEscape(clip(fact.value, maxFact)),
        })),
      },
      ...(labels
        ? [
            {
              type: 'TextBlock',
              text: teamsEscape(clip(labels, maxLabels)),
              size: 'small',
              isSubtle: true,
              wrap: true,
            },
          ]
        : []),
    ],
    ...(buttons.length > 0
      ? {
          actions: buttons.map((b) => ({
            type: 'Action.OpenUrl',
            title: clip(b.title, maxButton),
            url: b.url,
          })),
        }
      : {}),
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}
