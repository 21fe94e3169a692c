import { html, SafeHtml, type HtmlValue } from '../../infra/html';

describe('the html template', () => {
  it('escapes every HTML-significant character, in text and in attributes', () => {
    const hostile = `<img src=x onerror="alert('x')">&`;
    expect(html`<p title="${hostile}">${hostile}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">' +
        '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>',
    );
  });

  it('keeps fragments it built, joins arrays and renders nothing for absent values', () => {
    const items = ['a&b', html`<b>c</b>`, [html`<i>d</i>`, '<e>']];
    expect(html`<p>${items}</p>`.value).toBe('<p>a&amp;b<b>c</b><i>d</i>&lt;e&gt;</p>');
    expect(html`[${undefined}${null}${false}${true}${0}]`.value).toBe('[0]');
  });
});

describe('markup that passes unescaped', () => {
  const asValue = (v: unknown) => v as HtmlValue;

  it('cannot be made from a string', () => {
    const Ctor = SafeHtml as unknown as new (...args: unknown[]) => SafeHtml;
    expect(() => new Ctor('<b>x</b>')).toThrow(TypeError);
    expect(() => new Ctor(Symbol('SafeHtml'), '<b>x</b>')).toThrow(TypeError);
    expect(() => SafeHtml.mint(Symbol('SafeHtml'), '<b>x</b>')).toThrow(TypeError);
  });

  it('cannot come from data shaped like it', () => {
    const lookalikes = [
      JSON.parse('{"value":"<b>x</b>"}'),
      { value: '<b>x</b>', toString: () => '<b>x</b>' },
    ];
    for (const fake of lookalikes) {
      expect(SafeHtml.is(fake)).toBe(false);
      expect(html`${asValue(fake)}`.value).not.toContain('<b>');
    }
    // Even one made from its prototype lacks the private field: it is refused, not rendered.
    const forged: unknown = Object.create(SafeHtml.prototype, { value: { value: '<b>x</b>' } });
    expect(SafeHtml.is(forged)).toBe(false);
    expect(() => html`${asValue(forged)}`).toThrow(TypeError);
  });

  it('is data again once it has been turned into a string (stored, sent, parsed)', () => {
    const fragment = html`<b>${'x'}</b>`;
    expect(html`${String(fragment)}`.value).toBe('&lt;b&gt;x&lt;/b&gt;');
    expect(html`${JSON.parse(JSON.stringify({ f: fragment.value })).f}`.value).toBe('&lt;b&gt;x&lt;/b&gt;');
  });

  it('cannot be smuggled in as the literal parts of a template', () => {
    const parts = Object.assign(['<script>alert(1)</script>'], { raw: ['<script>alert(1)</script>'] });
    expect(() => html(parts as unknown as TemplateStringsArray)).toThrow(TypeError);
  });
});
