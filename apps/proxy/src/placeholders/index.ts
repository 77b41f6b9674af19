import type { RequestContext } from '../handlers/types';
import { parseTemplate } from './parse';
import { lookup, type Getter } from './values';

export { lookup, unescapePath, joinHostPort, splitHostPort, type Getter } from './values';
export { parseTemplate, type Part } from './parse';

/** A compiled string with placeholders: call it with a request to get the expanded text. */
export interface Template {
  (ctx: RequestContext): string;
  /** Set when the string has no placeholder: the value for every request. */
  readonly constant: string | undefined;
}

export interface TemplateOptions {
  /**
   * 'keep' leaves unknown placeholders literally in the output (Caddy's ReplaceKnown, used for
   * bodies and header ops); 'empty' replaces them with "" (Caddy's ReplaceAll, used by rewrite
   * and static response headers). Default 'keep'.
   */
  unknown?: 'keep' | 'empty';
  /** Getters that take precedence over the standard ones (their values are not escaped). */
  override?: Readonly<Record<string, Getter>>;
  /** Applied to every standard placeholder value (e.g. query escaping in rewritten URIs). */
  escape?: (value: string) => string;
}

/**
 * Compile `src` once, at build time, into a function of the request. A string without `{`
 * compiles to a constant; placeholder names are resolved to getters here, so the per-request
 * cost is one call per placeholder plus the concatenation.
 */
export function compileTemplate(src: string, opts: TemplateOptions = {}): Template {
  const drop = opts.unknown === 'empty';
  const resolve = (name: string): Getter | undefined => opts.override?.[name] ?? lookup(name);
  const parts = parseTemplate(src, (name) => resolve(name) !== undefined, drop);
  if (parts.every((p) => typeof p === 'string')) return constant(parts.join(''));

  const esc = opts.escape;
  const pieces = parts.map((p): Getter | string => {
    if (typeof p === 'string') return p;
    const raw = opts.override?.[p.name];
    if (raw) return raw;
    const get = lookup(p.name)!;
    // a value unknown at run time (e.g. no upstream chosen yet) is treated like an unknown name
    const fallback = drop ? '' : `{${p.name}}`;
    if (!esc) return (c) => get(c) ?? fallback;
    return (c) => {
      const v = get(c);
      return v === undefined ? fallback : esc(v);
    };
  });
  let fn: (ctx: RequestContext) => string;
  if (pieces.length === 1) {
    const g = pieces[0] as (c: RequestContext) => string;
    fn = (c) => g(c) ?? '';
  } else {
    fn = (c) => {
      let out = '';
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i]!;
        out += typeof p === 'string' ? p : p(c) ?? '';
      }
      return out;
    };
  }
  return Object.assign(fn, { constant: undefined });
}

/** A template that always yields `value`. */
export function constant(value: string): Template {
  return Object.assign(() => value, { constant: value });
}

