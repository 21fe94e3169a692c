import type { NotificationRulesView } from '../../contact-methods/profile';
import type { ContactMethodView } from '../../contact-methods/service';
import { NOTIFICATION_RULE_LIMITS, urgencies, type Urgency } from '../../../domain/notification-rules';
import { contactAddressForOwner } from '../../../domain/contact-methods';
import type { Person } from '../../../domain/oncall';
import { html, type SafeHtml } from '../../../infra/html';
import { profileScriptSrc } from '../push-assets';
import type { FormState, PageContext } from './context';
import { layout } from './layout';
import { csrfField, fieldError, when } from './parts';
import { table } from './table';

export interface ProfilePageData {
  person: Person;
  /** Whether the signed-in person is looking at their own profile (push on this device is only theirs). */
  self: boolean;
  /** Where the page's forms post: `/ui/profile`, or `/ui/people/<id>/profile` for an admin's view. */
  base: string;
  /** For an admin: everyone in the catalog, to open their profile. */
  people?: Array<{ id: string; name: string }>;
  methods: ContactMethodView[];
  rules: NotificationRulesView;
  /** The server's VAPID public key: without it, push cannot be enabled here. */
  vapidPublicKey?: string;
  notice?: string;
  /** A refused form: `add:phone|email|ntfy`, `confirm:<id>`, `resend:<id>`, `test:<id>`, `remove:<id>`, `rules`. */
  form?: FormState;
}

const TYPE_NAMES: Record<ContactMethodView['type'], string> = {
  sms: 'SMS',
  voice: 'Voice call',
  email: 'Email',
  push: 'Push',
  ntfy: 'ntfy',
  slack_dm: 'Slack DM',
};

export function methodName(m: ContactMethodView): string {
  return `${TYPE_NAMES[m.type]} ${contactAddressForOwner(m)}${m.label ? ` (${m.label})` : ''}`;
}

function problemOf(state: FormState | undefined, form: string): SafeHtml {
  return state?.form === form && state.problem
    ? html`<p class="problem" role="alert">${state.problem}</p>`
    : html``;
}

const methodPath = (base: string, m: ContactMethodView, action: string) =>
  `${base}/methods/${encodeURIComponent(m.id)}/${action}`;

function button(
  ctx: PageContext,
  base: string,
  m: ContactMethodView,
  action: string,
  label: string,
  className = '',
): SafeHtml {
  return html`<form method="post" class="inline" action="${methodPath(base, m, action)}">
    ${csrfField(ctx)}<button type="submit" ${className ? html`class="${className}"` : ''}>
      ${label}<span class="vh"> ${methodName(m)}</span>
    </button>
  </form>`;
}

/** What can be done with a method: confirm it with its code, ask for a new code, test, remove. */
function methodActions(
  ctx: PageContext,
  base: string,
  m: ContactMethodView,
  state: FormState | undefined,
): SafeHtml {
  const confirmForm = `confirm:${m.id}`;
  const error = state?.form === confirmForm ? state.errors?.code : undefined;
  const codeId = `code-${m.id}`;
  return html`<div class="actions">
      ${
        m.verified
          ? button(ctx, base, m, 'test', 'Send a test page')
          : html`<form
                method="post"
                class="decide"
                action="${methodPath(base, m, 'confirm')}"
                ${m.type === 'push' ? html`data-push-confirm` : ''}
              >
                ${csrfField(ctx)}
                <div class="field${error ? ' invalid' : ''}">
                  <label for="${codeId}">Code sent to it</label>
                  <input
                    type="text"
                    id="${codeId}"
                    name="code"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    pattern="[0-9]{6}"
                    maxlength="6"
                    value="${state?.form === confirmForm ? (state.values?.code ?? '') : ''}"
                    aria-describedby="${codeId}-error"
                  />
                  ${fieldError(`${codeId}-error`, error)}
                </div>
                <button type="submit" class="approve">
                  Confirm<span class="vh"> ${methodName(m)}</span>
                </button>
              </form>
              ${button(ctx, base, m, 'resend', 'Send a new code')}`
      }
      ${button(ctx, base, m, 'delete', 'Remove', 'reject')}
    </div>
    ${problemOf(state, confirmForm)} ${problemOf(state, `resend:${m.id}`)} ${problemOf(state, `test:${m.id}`)}
    ${problemOf(state, `delete:${m.id}`)}`;
}

function stateOf(m: ContactMethodView): SafeHtml {
  if (m.verified) return html`<strong class="outcome-succeeded">confirmed</strong> ${when(m.verifiedAt)}`;
  if (m.pending)
    return html`<strong>waiting for its code</strong>: sent ${when(m.pending.sentAt)}, expires
      ${when(m.pending.expiresAt)}, ${m.pending.attemptsLeft} attempt(s) left`;
  if (m.origin) return html`<strong>imported</strong> (${m.origin}), unconfirmed: send a code to confirm it`;
  return html`<strong>unconfirmed</strong>: ask for a new code`;
}

/** One small form per kind of method: a phone (SMS or call), an email address, an ntfy topic. */
function addForms(ctx: PageContext, base: string, state: FormState | undefined): SafeHtml {
  const field = (
    form: string,
    name: string,
    label: string,
    attrs: { type?: string; help?: string; placeholder?: string; required?: boolean } = {},
  ) => {
    const mine = state?.form === form ? state : undefined;
    const error = mine?.errors?.[name];
    const id = `${form.replace(':', '-')}-${name}`;
    return html`<div class="field${error ? ' invalid' : ''}">
      <label for="${id}"
        >${label}${attrs.required === false ? html` <span class="req">(optional)</span>` : ''}</label
      >
      ${attrs.help ? html`<span class="help" id="${id}-help">${attrs.help}</span>` : ''}
      <input
        type="${attrs.type ?? 'text'}"
        id="${id}"
        name="${name}"
        value="${mine?.values?.[name] ?? ''}"
        ${attrs.placeholder ? html`placeholder="${attrs.placeholder}"` : ''}
        ${attrs.required === false ? '' : html`required`}
        aria-describedby="${id}-error${attrs.help ? html` ${id}-help` : ''}"
      />
      ${fieldError(`${id}-error`, error)}
    </div>`;
  };
  const typeError = (form: string) =>
    state?.form === form && state.errors?.type
      ? html`<p class="problem" role="alert">${state.errors.type}</p>`
      : '';
  const phoneType = state?.form === 'add:phone' ? state.values?.type : undefined;
  return html`<div class="actions">
    <form method="post" action="${base}/methods" class="action">
      ${csrfField(ctx)}
      <fieldset>
        <legend>Phone</legend>
        <label class="check"
          ><input type="radio" name="type" value="sms" ${phoneType === 'voice' ? '' : html`checked`} />
          SMS</label
        >
        <label class="check"
          ><input type="radio" name="type" value="voice" ${phoneType === 'voice' ? html`checked` : ''} />
          Voice call</label
        >
      </fieldset>
      ${field('add:phone', 'number', 'Number', {
        type: 'tel',
        help: 'With the country code: +447700900123',
        placeholder: '+447700900123',
      })}
      ${field('add:phone', 'label', 'Label', { required: false, placeholder: 'mobile' })}
      ${typeError('add:phone')} ${problemOf(state, 'add:phone')}
      <button type="submit">Add phone</button>
    </form>
    <form method="post" action="${base}/methods" class="action">
      ${csrfField(ctx)}<input type="hidden" name="type" value="email" />
      ${field('add:email', 'address', 'Email address', { type: 'email' })}
      ${field('add:email', 'label', 'Label', { required: false })} ${typeError('add:email')}
      ${problemOf(state, 'add:email')}
      <button type="submit">Add email</button>
    </form>
    <form method="post" action="${base}/methods" class="action">
      ${csrfField(ctx)}<input type="hidden" name="type" value="ntfy" />
      ${field('add:ntfy', 'server', 'ntfy server', { type: 'url', placeholder: 'https://ntfy.sh' })}
      ${field('add:ntfy', 'topic', 'Topic', { help: 'An unguessable name: topics on ntfy.sh are public' })}
      ${field('add:ntfy', 'tokenEnv', 'Access token variable', {
        required: false,
        help: 'For a protected topic: the variable on the worker holding its token, e.g. NTFY_TOKEN_ALICE',
        placeholder: 'NTFY_TOKEN_ALICE',
      })}
      ${field('add:ntfy', 'label', 'Label', { required: false })} ${typeError('add:ntfy')}
      ${problemOf(state, 'add:ntfy')}
      <button type="submit">Add ntfy topic</button>
    </form>
  </div>`;
}

/** Enabling push on this browser: the script (profile.js) subscribes and posts the subscription. */
function pushSection(ctx: PageContext, data: ProfilePageData): SafeHtml {
  if (!data.vapidPublicKey)
    return html`<p class="muted">
      Push is off on this server: <code>VAPID_PUBLIC_KEY</code> is not set (see the guide, “Reaching people”).
    </p>`;
  return html`<div class="actions">
      <div class="action">
        <div class="field">
          <label for="push-label">This device’s name <span class="req">(optional)</span></label>
          <input type="text" id="push-label" maxlength="60" placeholder="work laptop" />
        </div>
        <button
          type="button"
          class="primary"
          id="enable-push"
          data-vapid-public-key="${data.vapidPublicKey}"
          data-csrf="${ctx.csrfToken}"
        >
          Enable push on this device
        </button>
        <p id="push-status" role="status" class="muted"></p>
        <noscript><p class="problem">Enabling push needs JavaScript.</p></noscript>
      </div>
    </div>
    <p class="muted">
      The browser asks to allow notifications; Fireline then pushes a code to this device, which this page
      confirms by itself while it is open (or type the code from the notification). On an iPhone or iPad, add
      Fireline to the home screen first (Share, Add to Home Screen) and enable push from there.
    </p>`;
}

const ROWS_PER_URGENCY = 5;

/** The rules of one urgency: a row per step (method, seconds), and empty rows to add steps. */
function rulesTable(data: ProfilePageData, urgency: Urgency, state: FormState | undefined): SafeHtml {
  const refused = state?.form === 'rules' ? state : undefined;
  const current = data.rules.rules[urgency];
  const rows = Math.min(
    NOTIFICATION_RULE_LIMITS.rulesPerUrgency,
    Math.max(ROWS_PER_URGENCY, current.length + 2),
  );
  const value = (i: number, name: 'methodId' | 'afterSeconds') =>
    refused ? (refused.values?.[`${urgency}.${i}.${name}`] ?? '') : String(current[i]?.[name] ?? '');
  const title = urgency === 'high' ? 'High urgency (SEV1, SEV2)' : 'Low urgency (SEV3, SEV4)';
  return html`<table>
    <caption>
      ${title}${data.rules.isDefault[urgency] ? html` <span class="muted">— the default, until ${data.self ? 'you save your own' : 'rules are saved'}</span>` : ''}
    </caption>
    <thead>
      <tr>
        <th scope="col">Step</th>
        <th scope="col">Contact method</th>
        <th scope="col">After (seconds)</th>
      </tr>
    </thead>
    <tbody>
      ${Array.from({ length: rows }, (_, i) => {
        const name = (field: string) => `${urgency}.${i}.${field}`;
        const methodError = refused?.errors?.[name('methodId')];
        const secondsError = refused?.errors?.[name('afterSeconds')];
        const chosen = value(i, 'methodId');
        return html`<tr>
          <th scope="row">${i + 1}</th>
          <td>
            <div class="field${methodError ? ' invalid' : ''}">
              <label class="vh" for="${name('methodId')}">${title}, step ${i + 1}: contact method</label>
              <select
                id="${name('methodId')}"
                name="${name('methodId')}"
                aria-describedby="${name('methodId')}-error"
              >
                <option value="">(none)</option>
                ${data.methods.map(
                  (m) =>
                    html`<option value="${m.id}" ${chosen === m.id ? html`selected` : ''}>
                      ${methodName(m)}${m.verified ? '' : ' — unconfirmed'}
                    </option>`,
                )}
              </select>
              ${fieldError(`${name('methodId')}-error`, methodError)}
            </div>
          </td>
          <td>
            <div class="field${secondsError ? ' invalid' : ''}">
              <label class="vh" for="${name('afterSeconds')}"
                >${title}, step ${i + 1}: after how many seconds</label
              >
              <input
                type="number"
                min="0"
                max="${NOTIFICATION_RULE_LIMITS.maxAfterSeconds}"
                step="1"
                id="${name('afterSeconds')}"
                name="${name('afterSeconds')}"
                value="${value(i, 'afterSeconds')}"
                aria-describedby="${name('afterSeconds')}-error"
              />
              ${fieldError(`${name('afterSeconds')}-error`, secondsError)}
            </div>
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** An admin's way to another person's profile: a person picked from the catalog. */
function peoplePicker(data: ProfilePageData): SafeHtml {
  if (!data.people) return html``;
  return html`<form method="get" action="/ui/people" class="inline">
    <label for="open-person">Open the profile of</label>
    <select id="open-person" name="person">
      ${data.people.map(
        (p) =>
          html`<option value="${p.id}" ${p.id === data.person.id ? html`selected` : ''}>
            ${p.name} (${p.id})
          </option>`,
      )}
    </select>
    <button type="submit">Open</button>
  </form>`;
}

/**
 * A profile: one's contact methods (add, confirm, test, remove), push on this device, and
 * notification rules; or, for an admin, anyone's (without push, which is the device's own).
 */
export function profilePage(ctx: PageContext, data: ProfilePageData): string {
  const state = data.form;
  const { base, self } = data;
  const title = self ? 'My profile' : `Profile of ${data.person.name}`;
  return layout(
    { ...ctx, section: 'profile' },
    {
      title,
      script: profileScriptSrc,
      notice: data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : undefined,
      main: html`<h1>${title}</h1>
        ${peoplePicker(data)}
        <p class="lead">
          How Fireline reaches <strong>${data.person.name}</strong> (${data.person.id}) when a page comes to
          ${self ? 'you' : 'them'}. A new contact method pages only once it is confirmed with the code sent to
          it${self ? '' : html` (${data.person.name} reads it to you, or confirms it on their own profile)`}.
          ${
            ctx.devInbox
              ? html`No provider is configured here: codes and test pages go to the
                  <a href="/ui/inbox">development inbox</a>.`
              : ''
          }
        </p>
        <section aria-labelledby="methods">
          <h2 id="methods">Contact methods</h2>
          ${
            data.methods.length === 0
              ? html`<p>No contact methods yet: add one below.</p>`
              : table(
                  self ? 'Your contact methods' : `Contact methods of ${data.person.name}`,
                  [
                    { header: 'Method', rowHeader: true, cell: (m: ContactMethodView) => TYPE_NAMES[m.type] },
                    {
                      header: 'Where',
                      cell: (m) =>
                        html`${contactAddressForOwner(m)}${m.label ? html`<br /><span class="muted">${m.label}</span>` : ''}`,
                    },
                    { header: 'State', cell: (m) => stateOf(m) },
                    { header: 'Act', cell: (m) => methodActions(ctx, base, m, state) },
                  ],
                  data.methods,
                )
          }
          <h3>Add a contact method</h3>
          ${addForms(ctx, base, state)}
          ${
            self
              ? html`<h3>Push on this device</h3>
                  ${pushSection(ctx, data)}`
              : ''
          }
        </section>
        <section aria-labelledby="rules">
          <h2 id="rules">Notification rules</h2>
          <p>
            When an escalation level reaches ${self ? 'you' : data.person.name}, each step pages its method
            that many seconds later, until the incident is acknowledged. Leave a row at (none) to drop it.
            With no steps for an urgency, the default applies: push, ntfy and email at once; SMS after 1
            minute (low urgency: 5); for high urgency a call after 5 minutes. Unconfirmed methods are skipped
            until confirmed.
          </p>
          <form method="post" action="${base}/rules">
            ${csrfField(ctx)} ${urgencies.map((u) => rulesTable(data, u, state))} ${problemOf(state, 'rules')}
            <button type="submit">Save rules</button>
          </form>
        </section>`,
    },
  );
}
