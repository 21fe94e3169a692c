/**
 * The one way Fireline writes HTML: the `html` tagged template escapes every
 * value it interpolates. Markup exists only as the literal parts of such
 * templates, so no text from data can ever become markup.
 */

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

/** Only this module holds it, so only `html` can make a SafeHtml. */
const minting = Symbol('SafeHtml');

/** A fragment of HTML built by `html`: the only value a template interpolates unescaped. */
export class SafeHtml {
  // A private field, not a property: a look-alike object (parsed JSON, Object.create) has none.
  readonly #markup: string;

  private constructor(key: symbol, markup: string) {
    if (key !== minting) throw new TypeError('SafeHtml comes only from the html template');
    this.#markup = markup;
  }

  /** What `html` mints with; without the module's key it throws. */
  static mint(key: symbol, markup: string): SafeHtml {
    return new SafeHtml(key, markup);
  }

  static is(value: unknown): value is SafeHtml {
    return typeof value === 'object' && value !== null && #markup in value;
  }

  get value(): string {
    return this.#markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/** Anything a template may interpolate; strings and numbers are escaped, SafeHtml is not. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (SafeHtml.is(value)) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (value === undefined || value === null || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/**
 * Tagged template for HTML: every interpolated value is escaped (text and
 * quoted attribute values alike) unless it is a SafeHtml fragment; arrays are
 * joined; `undefined`, `null` and booleans render as nothing, so
 * `${cond && html`…`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  // A real template literal's parts are frozen; an array built from data (html([text] as any)) is not.
  if (!Object.isFrozen(strings) || !Array.isArray(strings.raw) || !Object.isFrozen(strings.raw)) {
    throw new TypeError('html is a tag for template literals only');
  }
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return SafeHtml.mint(minting, out);
}

/** An href for a URL that came from outside (alert links): only http(s), else nothing. */
export function externalHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
