import { escapeHtml } from '../../postmortems/render';

/** A fragment of HTML that is already safe: built by `html` or vouched for with `trustedHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Anything a template may interpolate; strings and numbers are escaped, SafeHtml is not. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
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
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks HTML produced by a renderer that escapes its own input (the post-mortem page). */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
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
