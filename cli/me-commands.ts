import type { ContactDelivery, ContactMethodView } from '../api/contact-methods/service';
import type { NotificationRulesView } from '../api/contact-methods/profile';
import { contactAddressForOwner } from '../domain/contact-methods';
import type { NotificationRule, Urgency } from '../domain/notification-rules';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { table } from './format';

interface Me {
  person: { id: string; name: string };
  rights: { role: string; teams?: string[]; services?: string[] }[];
  key: { name?: string; scopes: string[]; services?: string[] };
  managesEveryone: boolean;
}

/** Whose methods and rules: `--person` (an admin's), else the key's own person. */
async function whose(ctx: CommandContext): Promise<string> {
  const person = str(ctx, 'person');
  if (person) return person;
  return (await ctx.api.request<Me>('GET', '/v1/me')).person.id;
}

const methodsPath = (person: string) => `/v1/people/${encodeURIComponent(person)}/contact-methods`;
const rulesPath = (person: string) => `/v1/people/${encodeURIComponent(person)}/notification-rules`;

const state = (m: ContactMethodView) =>
  m.verified
    ? 'confirmed'
    : m.pending
      ? `code sent, ${m.pending.attemptsLeft} attempt(s) left`
      : 'unconfirmed';

function deliveryText(delivery: ContactDelivery): string {
  return delivery.devInbox ? `kept in the development inbox (${delivery.detail})` : delivery.detail;
}

async function whoAmI(ctx: CommandContext): Promise<void> {
  const me = await ctx.api.request<Me>('GET', '/v1/me');
  print(ctx, me, () => {
    const rights = me.rights
      .map((r) => {
        const on = [
          ...(r.teams ?? []).map((t) => `team ${t}`),
          ...(r.services ?? []).map((s) => `service ${s}`),
        ];
        return `${r.role} of ${on.length ? on.join(', ') : 'every incident'}`;
      })
      .join('; ');
    return [
      `${me.person.name} (${me.person.id})`,
      `rights  ${rights}`,
      `key     ${me.key.name ?? ''} (${me.key.scopes.join(', ')}${me.key.services ? `; services ${me.key.services.join(', ')}` : ''})`,
      ...(me.managesEveryone ? ['admin   may manage anyone’s contact methods and rules (--person)'] : []),
      '',
    ].join('\n');
  });
}

/** `add sms|voice NUMBER`, `add email ADDRESS`, `add ntfy SERVER TOPIC`: the API's body. */
function newMethod(ctx: CommandContext, args: string[]): Record<string, string> {
  const [type, first, second] = args;
  const label = str(ctx, 'label');
  const withLabel = (body: Record<string, string>) => (label ? { ...body, label } : body);
  if ((type === 'sms' || type === 'voice') && first) return withLabel({ type, number: first });
  if (type === 'email' && first) return withLabel({ type, address: first });
  if (type === 'ntfy' && first && second) return withLabel({ type, server: first, topic: second });
  throw new CliError(
    'methods add takes: sms NUMBER | voice NUMBER | email ADDRESS | ntfy SERVER TOPIC (numbers in E.164: +447700900123); push is added from the web UI',
    ExitCode.usage,
  );
}

function methodId(action: string, id: string | undefined, more = ''): string {
  if (!id) throw new CliError(`say which method: fireline me methods ${action} cm_…${more}`, ExitCode.usage);
  return id;
}

async function methods(ctx: CommandContext): Promise<void> {
  const [action = 'ls', ...rest] = ctx.args;
  const person = await whose(ctx);
  const base = methodsPath(person);
  if (action === 'ls' || action === 'list') {
    const { methods: list } = await ctx.api.request<{ methods: ContactMethodView[] }>('GET', base);
    print(ctx, list, () =>
      table(
        ['ID', 'TYPE', 'WHERE', 'LABEL', 'STATE'],
        list.map((m) => [m.id, m.type, contactAddressForOwner(m), m.label, state(m)]),
      ),
    );
    return;
  }
  if (action === 'add') {
    const added = await ctx.api.request<{ method: ContactMethodView; delivery: ContactDelivery }>(
      'POST',
      base,
      {
        body: newMethod(ctx, rest),
      },
    );
    const { method, delivery } = added;
    print(
      ctx,
      added,
      () =>
        `added ${method.id} (${method.type} ${contactAddressForOwner(method)}); a code was sent: ${deliveryText(delivery)}\n` +
        `confirm it: fireline me methods confirm ${method.id} CODE${str(ctx, 'person') ? ` --person ${person}` : ''}\n`,
    );
    return;
  }
  if (action === 'confirm') {
    const [id, code] = rest;
    if (!id || !code)
      throw new CliError(
        'say which method and the code: fireline me methods confirm cm_… 123456',
        ExitCode.usage,
      );
    const method = await ctx.api.request<ContactMethodView>(
      'POST',
      `${base}/${encodeURIComponent(id)}/confirm`,
      {
        body: { code },
      },
    );
    print(
      ctx,
      method,
      () => `${method.id} (${method.type} ${contactAddressForOwner(method)}) is confirmed: it will page\n`,
    );
    return;
  }
  if (action === 'resend' || action === 'test') {
    const id = methodId(action, rest[0]);
    const answer = await ctx.api.request<{ delivery: ContactDelivery } | ContactDelivery>(
      'POST',
      `${base}/${encodeURIComponent(id)}/${action}`,
    );
    const delivery = 'delivery' in answer ? answer.delivery : answer;
    print(
      ctx,
      answer,
      () => `${action === 'test' ? 'test page' : 'new code'} for ${id}: ${deliveryText(delivery)}\n`,
    );
    return;
  }
  if (action === 'rm' || action === 'remove') {
    const id = methodId(action, rest[0]);
    await ctx.api.request('DELETE', `${base}/${encodeURIComponent(id)}`);
    print(ctx, { removed: id }, () => `removed ${id} (and the rules that named it)\n`);
    return;
  }
  throw new CliError('me methods takes ls, add, confirm, resend, test or rm', ExitCode.usage);
}

/**
 * `push:0,sms:60,voice:300`: each step a method and the seconds after which it
 * is paged. A method is named by its id (`cm_…`) or by its type when the
 * person has exactly one method of that type; `default` (or nothing) = the default rules.
 */
export function parseRuleList(
  text: string,
  methods: ContactMethodView[],
  urgency: Urgency,
): NotificationRule[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'default') return [];
  return trimmed.split(',').map((item) => {
    const match = /^\s*([A-Za-z0-9_-]+)\s*:\s*(\d+)\s*$/.exec(item);
    if (!match)
      throw new CliError(
        `${urgency}: ${JSON.stringify(item)} is not METHOD:SECONDS (e.g. sms:60, or cm_…:60)`,
        ExitCode.usage,
      );
    const [, name, seconds] = match as unknown as [string, string, string];
    if (name.startsWith('cm_')) return { methodId: name, afterSeconds: Number(seconds) };
    const ofType = methods.filter((m) => m.type === name);
    if (ofType.length !== 1)
      throw new CliError(
        ofType.length === 0
          ? `${urgency}: you have no ${name} contact method (fireline me methods ls)`
          : `${urgency}: you have ${ofType.length} ${name} methods; name one by its id (${ofType.map((m) => m.id).join(', ')})`,
        ExitCode.usage,
      );
    return { methodId: ofType[0]!.id, afterSeconds: Number(seconds) };
  });
}

async function rules(ctx: CommandContext): Promise<void> {
  const [action = 'show', ...rest] = ctx.args;
  const person = await whose(ctx);
  const { methods: list } = await ctx.api.request<{ methods: ContactMethodView[] }>(
    'GET',
    methodsPath(person),
  );
  const show = (view: NotificationRulesView) =>
    print(ctx, view, () => {
      const name = (id: string) => {
        const m = list.find((x) => x.id === id);
        return m ? `${m.type} ${contactAddressForOwner(m)} (${id})${m.verified ? '' : ', unconfirmed'}` : id;
      };
      return table(
        ['URGENCY', 'AFTER', 'METHOD'],
        (['high', 'low'] as const).flatMap((u) =>
          view.rules[u].length === 0
            ? [[`${u}${view.isDefault[u] ? ' (default)' : ''}`, '', 'nothing: no confirmed method to page']]
            : view.rules[u].map((r, i) => [
                i === 0 ? `${u}${view.isDefault[u] ? ' (default)' : ''}` : '',
                `${r.afterSeconds}s`,
                name(r.methodId),
              ]),
        ),
      );
    });
  if (action === 'show') {
    show(await ctx.api.request<NotificationRulesView>('GET', rulesPath(person)));
    return;
  }
  if (action === 'set') {
    if (rest.length === 0 || rest.length % 2 !== 0)
      throw new CliError('me rules set takes: high "push:0,sms:60,voice:300" [low "…"]', ExitCode.usage);
    const current = await ctx.api.request<NotificationRulesView>('GET', rulesPath(person));
    // An urgency not named keeps what the person set (none, when the default applies).
    const next: Record<Urgency, NotificationRule[]> = {
      high: current.isDefault.high ? [] : current.rules.high,
      low: current.isDefault.low ? [] : current.rules.low,
    };
    for (let i = 0; i < rest.length; i += 2) {
      const urgency = rest[i];
      if (urgency !== 'high' && urgency !== 'low')
        throw new CliError(`me rules set: ${JSON.stringify(urgency)} is not high or low`, ExitCode.usage);
      next[urgency] = parseRuleList(rest[i + 1]!, list, urgency);
    }
    show(await ctx.api.request<NotificationRulesView>('PUT', rulesPath(person), { body: next }));
    return;
  }
  throw new CliError('me rules takes show or set', ExitCode.usage);
}

/** `fireline me …`: who the key acts as, their contact methods and their notification rules. */
export const meCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  '': whoAmI,
  methods,
  rules,
};
