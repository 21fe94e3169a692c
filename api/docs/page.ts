import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Express } from 'express';
import { html, type SafeHtml } from '../../infra/html';
import { repoRoot } from '../../infra/paths';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';

const methodOrder = ['get', 'post', 'patch', 'put', 'delete'];

interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  security: unknown[];
  'x-fireline-scope'?: string;
  parameters: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: { 'application/json': { schema: unknown; example?: unknown } } };
  responses: Record<string, { description: string }>;
}

/** One operation: its method and path, what it does, who may call it, its parameters and request body. */
function renderOperation(method: string, p: string, op: Operation): SafeHtml {
  const scope = op['x-fireline-scope'];
  const auth = scope
    ? html`API key with scope <code>${scope}</code>`
    : op.security.length === 0
      ? 'no API key'
      : 'API key';
  const params = op.parameters.length
    ? html`<table>
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">In</th>
            <th scope="col">Required</th>
            <th scope="col">Schema</th>
          </tr>
        </thead>
        <tbody>
          ${op.parameters.map(
            (prm) =>
              html`<tr>
                <td><code>${prm.name}</code></td>
                <td>${prm.in}</td>
                <td>${prm.required ? 'yes' : 'no'}</td>
                <td><code>${JSON.stringify(prm.schema)}</code></td>
              </tr>`,
          )}
        </tbody>
      </table>`
    : '';
  const json = op.requestBody?.content['application/json'];
  const requestBody = json
    ? html`<details>
          <summary>Request body schema</summary>
          <pre>${JSON.stringify(json.schema, null, 2)}</pre>
        </details>
        ${
          json.example !== undefined
            ? html`<p>Example:</p>
                <pre>${JSON.stringify(json.example, null, 2)}</pre>`
            : ''
        }`
    : '';
  const responses = Object.entries(op.responses).map(
    ([code, r], i) => html`${i > 0 ? ' · ' : ''}<code>${code}</code> ${r.description}`,
  );
  return html`<section class="op" id="${`${method}-${p}`}">
    <h3><span class="method">${method.toUpperCase()}</span> <code>${p}</code></h3>
    <p>${op.summary}</p>
    ${op.description ? html`<p>${op.description}</p>` : ''}
    <p class="meta">Auth: ${auth}. Answers: ${responses}</p>
    ${params}${requestBody}
  </section>`;
}

/** The documentation page: every operation of the OpenAPI document, server-rendered, no script. */
export function renderDocsPage(doc: OpenApiDocument): SafeHtml {
  const sections = doc.tags.map(({ name: tag }) => {
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods as Record<string, Operation>)
        .filter(([, op]) => op.tags.includes(tag))
        .sort(([a], [b]) => methodOrder.indexOf(a) - methodOrder.indexOf(b))
        .map(([method, op]) => renderOperation(method, p, op)),
    );
    return html`<h2 id="${tag}">${tag}</h2>
      ${ops}`;
  });
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${doc.info.title} ${doc.info.version}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <style>
          body {
            font:
              15px/1.5 system-ui,
              sans-serif;
            max-width: 62rem;
            margin: 2rem auto;
            padding: 0 1rem;
            color: #111;
          }
          h2 {
            border-bottom: 1px solid #ccc;
            margin-top: 2.5rem;
          }
          h3 {
            font-size: 1.05rem;
            margin-bottom: 0.2rem;
          }
          .method {
            display: inline-block;
            min-width: 4rem;
            font-weight: 700;
            color: #063;
          }
          code,
          pre {
            font-family: ui-monospace, monospace;
            font-size: 0.9em;
          }
          pre {
            background: #f4f4f4;
            padding: 0.6rem;
            overflow: auto;
          }
          table {
            border-collapse: collapse;
            width: 100%;
            margin: 0.4rem 0;
          }
          th,
          td {
            border: 1px solid #ddd;
            padding: 0.25rem 0.4rem;
            text-align: left;
            vertical-align: top;
          }
          .meta {
            color: #444;
          }
          .op {
            margin-bottom: 1.4rem;
          }
          nav a {
            margin-right: 1rem;
          }
        </style>
      </head>
      <body>
        <header>
          <h1>${doc.info.title} <small>${doc.info.version}</small></h1>
          <p>${doc.info.description}</p>
          <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
          <nav aria-label="Sections">${doc.tags.map((t) => html`<a href="#${t.name}">${t.name}</a>`)}</nav>
        </header>
        <main>${sections}</main>
      </body>
    </html>`;
}

/** `GET /openapi.json` and `GET /docs`: public, they hold no data. Built on first use, once every route is mounted. */
export function apiDocsRoutes(app: Express): Router {
  const router = Router();
  let doc: OpenApiDocument | undefined;
  const document = () =>
    (doc ??= buildOpenApiDocument(app, {
      version: (
        JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
      ).version,
    }));
  router.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  router.get('/docs', (_req, res) => {
    res.type('text/html; charset=utf-8').send(renderDocsPage(document()).value);
  });
  return router;
}
