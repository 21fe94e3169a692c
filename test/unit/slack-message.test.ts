import type { NotificationContext } from '../../domain/incident';
import { slackMessage } from '../../activities/channels/slack';
import { slackEscape, slackIncidentMessage, viewOfPage } from '../../activities/slack-app';

const hostile: NotificationContext = {
  incidentId: 'INC-ABCDEF123456',
  title: '<!channel> *disk* full on <@U024BE7LH> & `db-1` _now_ ~x~',
  service: '<!here> checkout',
  severity: 'SEV2',
  priority: 'P2',
  status: 'triggered',
  major: false,
  team: 'sre',
  alertCount: 3,
  labels: { 'k8s.pod.name': '<!channel>', $team: 'db' },
  links: [{ href: 'https://grafana.example.com/d/x?a=1&b=<2>|3', text: '<!everyone> dashboard' }],
  reason: 'level 1',
};

describe('the Slack message', () => {
  it('shows the labels, names as sent, in plain text', () => {
    const blocks = slackMessage(hostile, undefined).blocks as Array<Record<string, unknown>>;
    expect(blocks).toContainEqual({
      type: 'context',
      elements: [{ type: 'plain_text', text: 'k8s.pod.name=<!channel>  $team=db', emoji: false }],
    });
  });

  const message = slackMessage(hostile, 'https://fireline.example.com/v1/incidents/INC-ABCDEF123456');
  const json = JSON.stringify(message);

  /** Every text Slack parses for mentions and links: the top-level text and each mrkdwn object. */
  function parsedTexts(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(parsedTexts);
    if (typeof value !== 'object' || value === null) return [];
    const object = value as Record<string, unknown>;
    const own = object.type === 'mrkdwn' && typeof object.text === 'string' ? [object.text] : [];
    return [...own, ...Object.values(object).flatMap(parsedTexts)];
  }

  it('lets no alert text mention anyone or make a link of its own', () => {
    const texts = [message.text as string, ...parsedTexts(message.blocks)];
    expect(texts).toHaveLength(2);
    for (const control of ['<!channel>', '<!here>', '<!everyone>', '<@U024BE7LH>', '<2>']) {
      for (const text of texts) expect(text).not.toContain(control);
    }
    expect(message.text).toBe(
      ':large_orange_circle: SEV2 P2: &lt;!channel&gt; *disk* full on &lt;@U024BE7LH&gt; &amp; `db-1` _now_ ~x~',
    );
    // The preview is not formatted either: *disk* stays as written.
    expect(message.mrkdwn).toBe(false);
  });

  it('shows what the alert said unchanged, in plain_text objects Slack does not format', () => {
    const blocks = message.blocks as Array<{
      type: string;
      text?: { type: string; text: string };
      fields?: Array<{ type: string; text: string }>;
    }>;
    expect(blocks[0]!.text).toEqual({
      type: 'plain_text',
      text: expect.stringContaining(hostile.title),
      emoji: true,
    });
    const fields = blocks[1]!.fields!;
    expect(fields.every((f) => f.type === 'plain_text')).toBe(true);
    expect(fields.map((f) => f.text)).toContain('Service\n<!here> checkout');
  });

  it('keeps links working, with their URL and text escaped', () => {
    expect(json).toContain(
      '<https://grafana.example.com/d/x?a=1&amp;b=%3C2%3E%7C3|&lt;!everyone&gt; dashboard>',
    );
    expect(json).toContain('<https://fireline.example.com/v1/incidents/INC-ABCDEF123456|Open incident>');
  });

  it('links only http(s) URLs, as the web UI does: other schemes are dropped', () => {
    const risky: NotificationContext = {
      ...hostile,
      major: true,
      links: [
        { href: 'javascript:alert(1)', text: 'script' },
        { href: 'slack://open?team=T0', text: 'app' },
        { href: 'data:text/html,<b>x</b>', text: 'data' },
        { href: 'http://grafana.example.com/d/2', text: 'plain http' },
      ],
      response: { bridgeUrl: 'javascript:alert(2)', responders: [] },
    };
    const view = viewOfPage(risky, { people: [], channels: [], schedules: [], policies: [] });
    for (const built of [slackMessage(risky, undefined), slackIncidentMessage(view)]) {
      const text = JSON.stringify(built);
      expect(text).not.toMatch(/javascript:|slack:\/\/|data:text/);
      expect(text).toContain('<http://grafana.example.com/d/2|plain http>');
    }
    expect(JSON.stringify(slackIncidentMessage(view))).toContain('not shown: its link is not http(s)');
  });

  it('escapes exactly the three control characters', () => {
    expect(slackEscape('a & b < c > d * _ ~ `')).toBe('a &amp; b &lt; c &gt; d * _ ~ `');
  });
});
