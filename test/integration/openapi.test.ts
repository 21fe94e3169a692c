import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { isApiPath, routeDocs } from '../../api/docs/openapi';
import { collectRoutes } from '../../api/docs/collect-routes';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const execFileAsync = promisify(execFile);

interface Operation {
  requestBody?: { content: { 'application/json': { schema: object; example?: unknown } } };
  'x-fireline-scope'?: string;
  security: unknown[];
}

// The OpenAPI document is generated from the zod schemas the routes validate
// with; these checks keep it complete, valid and honest.
describe('OpenAPI document', () => {
  let env: TestEnv;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    env = await createTestEnv();
    doc = (await request(env.rawApp).get('/openapi.json').expect(200)).body;
  });
  afterAll(() => env.teardown());

  /** Checks a document with the OpenAPI 3.1 schema validator's own CLI (an ES module, so run as a process). */
  async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown[] }> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fireline-openapi-'));
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    // It exits 1 for an invalid document, with the report on stdout all the same.
    const stdout = await execFileAsync(process.execPath, [cli, file]).then(
      (r) => r.stdout,
      (err: { stdout?: string }) => err.stdout ?? '',
    );
    await rm(dir, { recursive: true });
    return JSON.parse(stdout) as { valid: boolean; errors?: unknown[] };
  }

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(await validateOpenApi(doc)).toEqual({ valid: true });
    // The validator does reject a broken document.
    const broken = { ...doc, paths: { '/x': { get: { responses: { '200': { content: {} } } } } } };
    expect((await validateOpenApi(broken)).valid).toBe(false);
  });

  it('describes every API route, and only routes that exist', () => {
    const routes = collectRoutes(env.rawApp).filter((r) => isApiPath(r.path));
    const described = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const expected = routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(described.sort()).toEqual([...new Set(expected)].sort());
    expect(Object.keys(routeDocs).sort()).toEqual(described.sort());
    // Every route that takes a key names its scope.
    for (const route of routes) {
      const op = doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')]![route.method.toLowerCase()]!;
      expect(op['x-fireline-scope']).toBe(route.scope);
      if (route.scope) expect(op.security.length).toBeGreaterThan(0);
    }
  });

  it('has an example for every request body, valid by the document and by the route itself', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const routes = collectRoutes(env.rawApp).filter((r) => isApiPath(r.path) && r.schemas.body);
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const body = doc.paths[path]![route.method.toLowerCase()]!.requestBody!.content['application/json'];
      expect({ route: `${route.method} ${path}`, hasExample: body.example !== undefined }).toEqual({
        route: `${route.method} ${path}`,
        hasExample: true,
      });
      const validate = ajv.compile(body.schema);
      expect({ route: path, errors: validate(body.example) ? null : validate.errors }).toEqual({
        route: path,
        errors: null,
      });
      const parsed = route.schemas.body!.safeParse(body.example);
      expect({ route: path, error: parsed.success ? null : parsed.error.message }).toEqual({
        route: path,
        error: null,
      });
    }
  });

  it('documents the constraints the API enforces', () => {
    const alert = doc.paths['/v1/alerts']!.post!.requestBody!.content['application/json'].schema as {
      required: string[];
      properties: Record<string, { enum?: string[] }>;
      additionalProperties: boolean;
    };
    expect(alert.required).toEqual(expect.arrayContaining(['service', 'summary', 'severity']));
    expect(alert.properties.severity?.enum).toEqual(expect.arrayContaining(['critical', 'warning']));
    expect(alert.additionalProperties).toBe(false);
  });

  it('serves a readable documentation page without a key', async () => {
    const page = await request(env.rawApp)
      .get('/docs')
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(page.text).toContain('<html lang="en">');
    for (const path of Object.keys(doc.paths)) expect(page.text).toContain(`<code>${path}</code>`);
    expect(page.text).toContain('scope <code>approvals:decide</code>');
  });
});
