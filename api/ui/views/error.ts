import { html } from '../../../infra/html';
import type { PageContext } from './context';
import { layout } from './layout';

const statusTitles: Record<number, string> = {
  400: 'That request was not valid',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That could not be done',
  413: 'Too large',
  429: 'Too many requests',
  500: 'Something went wrong',
};

export function errorPage(
  ctx: PageContext,
  status: number,
  message: string,
  back?: { href: string; label: string },
): string {
  const title = statusTitles[status] ?? 'Something went wrong';
  return layout(ctx, {
    title,
    main: html`<h1>${title}</h1>
      <p class="problem" role="alert">${message}</p>
      ${
        status === 403
          ? html`<p>
              Fireline checks the scopes of the API key you signed in
              with${ctx.viewer ? html` (<strong>${ctx.viewer.name}</strong>: ${ctx.viewer.scopes.join(', ')})` : ''}.
              Ask an administrator for a key with the scope, or sign in with another key.
            </p>`
          : ''
      }
      <p>
        ${back ? html`<a href="${back.href}">${back.label}</a> · ` : ''}<a href="/ui/incidents"
          >Open incidents</a
        >
      </p>`,
  });
}
