import { renderDocsPage } from '../../api/docs/page';
import type { OpenApiDocument } from '../../api/docs/openapi';
import { SafeHtml } from '../../infra/html';

/** A document with markup in every text the page shows. */
function hostileDocument(): OpenApiDocument {
  const operation = {
    tags: ['a<b>'],
    summary: 'Lists <img src=x onerror=alert(1)>',
    description: 'Answers "quoted" & more',
    security: [{ bearerAuth: [] }],
    'x-fireline-scope': 'scope<i>',
    parameters: [{ name: 'q"x', in: 'query', required: false, schema: { type: 'string', pattern: '^<' } }],
    requestBody: {
      content: {
        'application/json': { schema: { type: 'object' }, example: { text: '</pre><script>x</script>' } },
      },
    },
    responses: { '200': { description: 'Fine & dandy' } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Fireline <API>', version: '1.0 & "beta"', description: 'Send `Bearer <key>`' },
    tags: [{ name: 'a<b>' }],
    paths: { '/v1/things/{id}<x>': { get: operation } },
    components: {},
  } as unknown as OpenApiDocument;
}

describe('the /docs page', () => {
  const page = renderDocsPage(hostileDocument());
  const text = page.value;

  it('is built by the html template', () => {
    expect(SafeHtml.is(page)).toBe(true);
  });

  it('shows every text of the document escaped exactly once', () => {
    expect(text).toContain('<title>Fireline &lt;API&gt; 1.0 &amp; &quot;beta&quot;</title>');
    expect(text).toContain('Send `Bearer &lt;key&gt;`');
    expect(text).toContain('<h2 id="a&lt;b&gt;">a&lt;b&gt;</h2>');
    expect(text).toContain('<a href="#a&lt;b&gt;">a&lt;b&gt;</a>');
    expect(text).toContain('<code>/v1/things/{id}&lt;x&gt;</code>');
    expect(text).toContain('id="get-/v1/things/{id}&lt;x&gt;"');
    expect(text).toContain('Lists &lt;img src=x onerror=alert(1)&gt;');
    expect(text).toContain('Answers &quot;quoted&quot; &amp; more');
    expect(text).toContain('API key with scope <code>scope&lt;i&gt;</code>');
    expect(text).toContain('<code>q&quot;x</code>');
    expect(text).toContain('&quot;pattern&quot;:&quot;^&lt;&quot;');
    expect(text).toContain('&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(text).toContain('<code>200</code> Fine &amp; dandy');
    for (const raw of ['<API>', '<key>', '<img', '<script', '<i>', '"quoted"'])
      expect(text).not.toContain(raw);
    expect(text).not.toMatch(/&amp;(lt|gt|quot|amp|#39);/);
  });
});
