import Ajv from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { adaptiveCardSchema } from 'adaptivecards-designer/lib/adaptive-card-schema';
import type { NotificationContext } from '../../domain/incident';
import { teamsEscape, teamsMessage } from '../../activities/teams-card';

// The official schema (draft-06, id http://adaptivecards.io/schemas/adaptive-card.json) as
// Microsoft's card designer ships it. Ajv 8 takes the schema's id only as `$id`, and strict mode
// refuses the schema's own `additionalItems` next to a non-tuple `items`.
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema(draft06);
const { id, ...schema } = adaptiveCardSchema;
const validateCard = ajv.compile({ $id: id, ...schema });

type Card = { body: unknown[]; actions?: Array<{ type: string; title: string; url: string }> } & Record<
  string,
  unknown
>;

/**
 * What the schema finds wrong with a card. The schema's body is a one-item tuple (`additionalItems:
 * true`) that checks only the first element, so each element is also checked alone in first place.
 */
function schemaErrors(card: Record<string, unknown>): string[] {
  const body = Array.isArray(card.body) ? (card.body as unknown[]) : [];
  const candidates = [card, ...body.map((element) => ({ ...card, body: [element] }))];
  return candidates.flatMap((candidate) =>
    validateCard(candidate)
      ? []
      : (validateCard.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`),
  );
}

function cardOf(message: Record<string, unknown>): Card {
  const attachments = message.attachments as Array<{ content: Card }>;
  return attachments[0]!.content;
}

const url = 'https://fireline.example.com/v1/incidents/INC-ABCDEF123456';

const minimal: NotificationContext = {
  incidentId: 'INC-ABCDEF123456',
  title: 'disk full on db-1',
  service: 'checkout',
  severity: 'SEV3',
  priority: 'P3',
  status: 'triggered',
  major: false,
  team: 'sre',
  alertCount: 1,
  labels: {},
  links: [],
  reason: 'level 1',
};

const withLinks: NotificationContext = {
  ...minimal,
  severity: 'SEV2',
  priority: 'P2',
  alertCount: 3,
  labels: { 'k8s.pod.name': 'db-1', $team: 'db' },
  links: [
    { href: 'https://grafana.example.com/d/x?a=1&b=2', text: 'Dashboard' },
    { href: 'https://runbooks.example.com/disk' },
  ],
};

const major: NotificationContext = {
  ...withLinks,
  severity: 'SEV1',
  priority: 'P1',
  major: true,
  response: {
    bridgeUrl: 'https://meet.example.com/j/123',
    commander: 'Dave Example',
    responders: ['Alice Example', 'Bob Example'],
  },
};

const hostile: NotificationContext = {
  ...withLinks,
  title: '[click](https://evil.example) *x*',
  service: '<at>checkout</at> _svc_',
  labels: { team: '[a](https://evil.example)' },
  links: [{ href: 'https://grafana.example.com/d/x', text: '[dash](https://evil.example)' }],
};

describe('the Teams card', () => {
  const cases: Array<[string, NotificationContext]> = [
    ['a minimal incident', minimal],
    ['an incident with links and labels', withLinks],
    ['a major incident with its response', major],
    ['an incident whose alert is hostile', hostile],
  ];

  it.each(cases)('is valid against the Adaptive Cards schema for %s', (_, context) => {
    const card = cardOf(teamsMessage(context, url));
    expect(schemaErrors(card)).toEqual([]);
    expect(schemaErrors(cardOf(teamsMessage(context, undefined)))).toEqual([]);
  });

  it('is checked by a validator that rejects broken cards', () => {
    const card = cardOf(teamsMessage(withLinks, url));
    expect(schemaErrors(card)).toEqual([]);
    const broken: Array<[Record<string, unknown>, string]> = [
      // Second in the body: the per-element check finds what the tuple schema alone would not.
      [
        { ...card, body: [card.body[0], { type: 'TextBlock', wrap: true }] },
        "/body/0 must have required property 'text'",
      ],
      [
        { ...card, body: [...card.body, { type: 'Marquee', text: 'hi' }] },
        '/body/0/type must be equal to one of the allowed values',
      ],
      [
        { ...card, body: [{ type: 'FactSet', facts: [{ title: 'Service' }] }] },
        "/body/0/facts/0 must have required property 'value'",
      ],
      [
        { ...card, actions: [{ type: 'Action.OpenUrl', title: 'Open' }] },
        "/actions/0 must have required property 'url'",
      ],
      [
        { ...card, body: [{ type: 'TextBlock', text: 'x', color: 'red' }] },
        '/body/0/color must be equal to one of the allowed values',
      ],
      [{ ...card, type: 'Card' }, '/type must be equal to one of the allowed values'],
      [
        Object.fromEntries(Object.entries(card).filter(([name]) => name !== 'version')),
        " must have required property 'version'",
      ],
    ];
    for (const [brokenCard, error] of broken) expect(schemaErrors(brokenCard)).toContain(error);
    // Why schemaErrors checks each element alone: the whole card passes with a broken second one.
    expect(validateCard(broken[0]![0])).toBe(true);
  });

  it('is one Adaptive Card 1.4 attachment of a message', () => {
    const message = teamsMessage(minimal, url);
    expect(message).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: expect.objectContaining({
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
          }),
        },
      ],
    });
  });

  it('shows the headline bold and large, coloured by severity, and the facts', () => {
    const card = cardOf(teamsMessage(major, url));
    expect(card.body[0]).toEqual({
      type: 'TextBlock',
      text: 'SEV1 P1 MAJOR: disk full on db-1',
      weight: 'bolder',
      size: 'large',
      color: 'attention',
      wrap: true,
    });
    expect(card.body[1]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Incident', value: 'INC-ABCDEF123456' },
        { title: 'Service', value: 'checkout' },
        { title: 'Status', value: 'triggered' },
        { title: 'Team', value: 'sre' },
        { title: 'Severity', value: 'SEV1 / P1' },
        { title: 'Alerts', value: '3' },
        { title: 'Why', value: 'level 1' },
        { title: 'Commander', value: 'Dave Example' },
        { title: 'Bridge', value: 'https://meet.example.com/j/123' },
        { title: 'Responders', value: 'Alice Example, Bob Example' },
      ],
    });
    expect(card.body[2]).toEqual({
      type: 'TextBlock',
      text: 'k8s.pod.name=db-1  $team=db',
      size: 'small',
      isSubtle: true,
      wrap: true,
    });
    const colour = (severity: NotificationContext['severity']) =>
      (cardOf(teamsMessage({ ...minimal, severity }, url)).body[0] as { color: string }).color;
    expect([colour('SEV1'), colour('SEV2'), colour('SEV3'), colour('SEV4')]).toEqual([
      'attention',
      'warning',
      'default',
      'default',
    ]);
  });

  it('leaves out what a minimal incident does not have', () => {
    const card = cardOf(teamsMessage(minimal, undefined));
    expect(card.body).toHaveLength(2);
    expect(card.actions).toBeUndefined();
    const facts = (card.body[1] as { facts: Array<{ title: string }> }).facts.map((f) => f.title);
    expect(facts).toEqual(['Incident', 'Service', 'Status', 'Team', 'Severity', 'Alerts', 'Why']);
  });

  it('lets no alert text make a link, emphasis or a mention of its own', () => {
    const card = cardOf(teamsMessage(hostile, url));
    const json = JSON.stringify(card);
    for (const raw of ['[click](https://evil.example)', '*x*', '<at>', '_svc_', '[a](https://evil.example)'])
      expect(json).not.toContain(raw);
    expect((card.body[0] as { text: string }).text).toBe(
      'SEV2 P2: \\[click\\]\\(https://evil.example\\) \\*x\\*',
    );
    const facts = (card.body[1] as { facts: Array<{ title: string; value: string }> }).facts;
    expect(facts).toContainEqual({ title: 'Service', value: '\\<at\\>checkout\\</at\\> \\_svc\\_' });
    expect((card.body[2] as { text: string }).text).toBe('team=\\[a\\]\\(https://evil.example\\)');
    // Button titles are plain text: shown as sent, without backslashes.
    expect(card.actions?.map((a) => a.title)).toEqual(['Open incident', '[dash](https://evil.example)']);
  });

  it('escapes what Teams markdown acts on', () => {
    expect(teamsEscape('\\ ` * _ [ ] ( ) # ~ > < { } ! |')).toBe(
      '\\\\ \\` \\* \\_ \\[ \\] \\( \\) \\# \\~ \\> \\< \\{ \\} \\! \\|',
    );
    expect(teamsEscape('- a\n+ b\n  12. c\n=== d')).toBe('\\- a\n\\+ b\n  12\\. c\n\\=== d');
    expect(teamsEscape('{{DATE(2026-01-01T00:00:00Z, SHORT)}}')).not.toContain('{{');
    expect(teamsEscape('db-1 v1.2 & 3')).toBe('db-1 v1.2 & 3');
  });

  it('offers "Join bridge" only when the response has a bridge URL', () => {
    const titles = (context: NotificationContext) =>
      cardOf(teamsMessage(context, url)).actions?.map((a) => a.title);
    const withBridge = cardOf(teamsMessage(major, url));
    expect(withBridge.actions).toContainEqual({
      type: 'Action.OpenUrl',
      title: 'Join bridge',
      url: 'https://meet.example.com/j/123',
    });
    expect(titles(major)).toEqual([
      'Open incident',
      'Join bridge',
      'Dashboard',
      'https://runbooks.example.com/disk',
    ]);
    const noBridge: NotificationContext = {
      ...major,
      response: { commander: 'Dave Example', responders: [] },
    };
    expect(titles(noBridge)).toEqual(['Open incident', 'Dashboard', 'https://runbooks.example.com/disk']);
    expect(titles(withLinks)).not.toContain('Join bridge');
    expect(titles(minimal)).toEqual(['Open incident']);
    const facts = (cardOf(teamsMessage(noBridge, url)).body[1] as { facts: Array<{ title: string }> }).facts;
    expect(facts.map((f) => f.title)).toContain('Commander');
    expect(facts.map((f) => f.title)).not.toContain('Bridge');
    expect(facts.map((f) => f.title)).not.toContain('Responders');
  });

  it('keeps at most five buttons, web links only', () => {
    const many: NotificationContext = {
      ...major,
      links: [
        { href: 'javascript:alert(1)', text: 'script' },
        ...[1, 2, 3, 4, 5].map((n) => ({ href: `https://example.com/${n}`, text: `link ${n}` })),
      ],
    };
    const actions = cardOf(teamsMessage(many, url)).actions!;
    expect(actions.map((a) => a.title)).toEqual([
      'Open incident',
      'Join bridge',
      'link 1',
      'link 2',
      'link 3',
    ]);
    expect(schemaErrors(cardOf(teamsMessage(many, url)))).toEqual([]);
  });

  it('keeps the title within 300 characters', () => {
    const card = cardOf(teamsMessage({ ...minimal, title: `${'x'.repeat(400)}\n\nmore` }, url));
    const text = (card.body[0] as { text: string }).text;
    expect(text).toBe(`SEV3 P3: ${'x'.repeat(299)}…`);
  });
});
