import { html } from '../../../infra/html';
import { layout } from './layout';

/** A page for someone who followed an action link: signed in to nothing, so no navigation. */
const linkContext = { csrfToken: '' };

/**
 * The page an acknowledge link opens: what it would do, and a button that does
 * it. A GET does nothing, so a mail scanner that follows links acknowledges nothing.
 */
export function actionLinkConfirmPage(page: {
  formAction: string;
  incidentId: string;
  title?: string;
  personName: string;
  expiresAt: Date;
}): string {
  return layout(linkContext, {
    title: `Acknowledge ${page.incidentId}`,
    main: html`<h1>Acknowledge ${page.incidentId}?</h1>
      ${page.title ? html`<p><strong>${page.title}</strong></p>` : ''}
      <p>
        You are acknowledging as <strong>${page.personName}</strong>: escalation stops, and the timeline says
        you did. This link works until ${page.expiresAt.toISOString()}.
      </p>
      <form method="post" action="${page.formAction}" class="action">
        <button type="submit">Acknowledge</button>
      </form>`,
  });
}

/** What came of pressing the button, or why the link does nothing. */
export function actionLinkResultPage(page: {
  heading: string;
  message: string;
  problem: boolean;
  incidentId?: string;
}): string {
  return layout(linkContext, {
    title: page.heading,
    main: html`<h1>${page.heading}</h1>
      <p ${page.problem ? html`class="problem" role="alert"` : html`role="status"`}>${page.message}</p>
      ${
        page.incidentId
          ? html`<p><a href="/ui/incidents/${page.incidentId}">Open ${page.incidentId}</a></p>`
          : ''
      }`,
  });
}
