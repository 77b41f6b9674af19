import type { OutgoingHttpHeaders } from 'node:http';

/** Caddy's ResponseMatcher config: status codes (a single digit is a class: 4 = 4xx) and header patterns. */
export interface ResponseMatchConfig {
  status_code?: readonly number[];
  /** Header patterns; null = the header must be absent. */
  headers?: Readonly<Record<string, readonly string[] | null>>;
}

export type ResponseMatcher = (status: number, headers: OutgoingHttpHeaders) => boolean;

/** Caddy's StatusCodeMatches: exact, or `configured` < 100 taken as a class. */
export function statusMatches(actual: number, configured: number): boolean {
  if (actual === configured) return true;
  return configured < 100 && actual >= configured * 100 && actual < (configured + 1) * 100;
}

/**
 * Compile a response matcher with Caddy's semantics: every listed field must match (AND); a
 * field matches when one of its values equals one of the patterns, where a pattern may start
 * and/or end with `*` (suffix / prefix / contains, case-sensitive) and `*` alone matches any
 * value; an empty pattern list means "the field is present". Header names are case-insensitive
 * (`headers` keys are lower case, as the response hooks receive them).
 */
export function compileResponseMatch(cfg: ResponseMatchConfig): ResponseMatcher {
  const codes = cfg.status_code && cfg.status_code.length > 0 ? cfg.status_code : undefined;
  // A null value list means "this header must be absent" (Caddy's `-Field` / `!Field`).
  const fields = Object.entries(cfg.headers ?? {}).map(([name, pats]) => [name.toLowerCase(), pats === null ? null : pats.map(valueTest)] as const);
  return (status, headers) => {
    if (codes && !codes.some((c) => statusMatches(status, c))) return false;
    for (const [name, tests] of fields) {
      const raw = headers[name];
      if (tests === null) {
        if (raw !== undefined) return false;
        continue;
      }
      if (raw === undefined) return false;
      if (tests.length === 0) continue;
      const values = Array.isArray(raw) ? raw : [String(raw)];
      if (!values.some((v) => tests.some((t) => t(v)))) return false;
    }
    return true;
  };
}

function valueTest(p: string): (v: string) => boolean {
  if (p === '*') return () => true;
  const pre = p.startsWith('*');
  const suf = p.length > 1 && p.endsWith('*');
  if (pre && suf) {
    const mid = p.slice(1, -1);
    return (v) => v.includes(mid);
  }
  if (pre) {
    const s = p.slice(1);
    return (v) => v.endsWith(s);
  }
  if (suf) {
    const s = p.slice(0, -1);
    return (v) => v.startsWith(s);
  }
  return (v) => v === p;
}
