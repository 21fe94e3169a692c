import { html } from '../../../infra/html';
import type { PageContext } from './context';
import { layout } from './layout';
import { csrfField } from './parts';

export function loginPage(
  ctx: PageContext,
  options: { next?: string; problem?: string; notice?: string },
): string {
  return layout(ctx, {
    title: 'Sign in',
    main: html`<h1>Sign in</h1>
      <p class="lead">
        Paste a Fireline API key with the <code>incidents:read</code> scope. <code>npm start</code> prints a
        development key.
      </p>
      ${options.problem ? html`<p class="problem" role="alert">${options.problem}</p>` : ''}
      ${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
      <form method="post" action="/ui/login" class="login">
        ${csrfField(ctx)}
        ${options.next ? html`<input type="hidden" name="next" value="${options.next}" />` : ''}
        <label for="key">API key</label>
        <input
          type="password"
          id="key"
          name="key"
          required
          autocomplete="off"
          spellcheck="false"
          aria-describedby="key-help"
        />
        <p id="key-help" class="muted">
          It looks like <code>fl_…</code>. This browser keeps it in an HttpOnly cookie for this site for 12
          hours, or until you sign out.
        </p>
        <p><button type="submit">Sign in</button></p>
      </form>
      ${
        options.next
          ? html`<p class="muted">
              Followed a link from another site and already signed in?
              <a href="${options.next}">Continue to the page</a>.
            </p>`
          : ''
      }`,
  });
}
