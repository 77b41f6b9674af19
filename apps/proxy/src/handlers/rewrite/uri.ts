import type { RequestContext } from '../types';
import { compileTemplate, type Getter, type Template } from '../../placeholders';
import { escapePathValue, normalizePath, normalizeQuery, queryEscape } from './path';

/** What a compiled `uri` produces for a request: the parts the config specified. */
export interface UriResult {
  path?: string;
  query?: string;
}

// Values that are already in URI (escaped) form go in as they are; every other value is data.
const URI_FORM: Readonly<Record<string, Getter>> = {
  'http.request.uri.path': (c) => c.path,
  'http.request.uri': (c) => (c.query ? `${c.path}?${c.query}` : c.path),
  'http.request.orig_uri': (c) => c.req.url ?? '',
  'http.request.orig_uri.path': (c) => cutAt(c.req.url ?? '', '?'),
};

/**
 * Compile Caddy's rewrite `uri`. Only the components present are replaced: "/p" changes the
 * path and keeps the query, "?q" changes only the query, "/p?q" both, "?" clears the query; a
 * fragment is dropped. Placeholders take Caddy's ReplaceAll (unknown ones vanish). In the path,
 * values are path-escaped, so a "?" or "#" coming from a header stays data; a query that a
 * URI-valued placeholder (`{http.request.uri}`) brings into the path is dropped, as in Caddy
 * 2.6. In the query, every key and value is query-escaped, except `{http.request.uri.query}` in
 * key position, which is inserted as is (Caddy's buildQueryString).
 */
export function compileUri(uri: string): (ctx: RequestContext) => UriResult {
  let pathStart = -1;
  let pathEnd = -1;
  let qsStart = -1;
  let qsEnd = -1;
  for (let i = 0; i < uri.length; i++) {
    const ch = uri[i];
    if (ch === '?' && qsStart < 0) {
      pathEnd = i;
      qsStart = i + 1;
    } else if (ch === '#') {
      if (qsStart < 0) pathEnd = i;
      else qsEnd = i;
      break;
    } else if (pathStart < 0 && qsStart < 0) pathStart = i;
  }
  if (pathStart >= 0 && pathEnd < 0) pathEnd = uri.length;
  if (qsStart >= 0 && qsEnd < 0) qsEnd = uri.length;
  const pathSrc = pathStart >= 0 ? uri.slice(pathStart, pathEnd) : '';
  const path = pathSrc ? compileTemplate(pathSrc, { unknown: 'empty', override: URI_FORM, escape: escapePathValue }) : undefined;
  const query = qsStart >= 0 ? compileQuery(uri.slice(qsStart, qsEnd)) : undefined;

  return (ctx) => {
    const out: UriResult = {};
    if (path) {
      let p = cutAt(cutAt(path(ctx), '#'), '?');
      p = normalizePath(p);
      out.path = p.startsWith('/') ? p : `/${p}`;
    }
    if (query) out.query = query(ctx);
    return out;
  };
}

interface Component {
  readonly key: boolean;
  readonly t: Template;
}

/** Caddy's buildQueryString, split into key/value components at build time. */
function compileQuery(qs: string): (ctx: RequestContext) => string {
  if (qs === '') return () => '';
  const comps: Component[] = [];
  let wroteVal = true;
  while (qs.length > 0) {
    const nextAmp: number = qs.indexOf('&');
    // inside a value only "&" ends it; further "=" are data (base64 padding, ...)
    const nextEq: number = wroteVal ? qs.indexOf('=') : -1;
    const ampIsNext: boolean = nextAmp >= 0 && (nextAmp < nextEq || nextEq < 0);
    let end = qs.length;
    if (ampIsNext) end = nextAmp;
    else if (nextEq >= 0) end = nextEq;
    const src = qs.slice(0, end);
    const override = wroteVal ? { 'http.request.uri.query': (c: RequestContext) => c.query } : undefined;
    comps.push({ key: wroteVal, t: compileTemplate(src, { unknown: 'empty', escape: queryEscape, override }) });
    qs = qs.slice(end < qs.length ? end + 1 : end);
    wroteVal = ampIsNext;
  }
  return (ctx) => {
    let out = '';
    for (const c of comps) {
      const s = c.t(ctx);
      if (c.key) {
        if (out.length > 0 && s.length > 0) out += '&';
      } else out += '=';
      out += s;
    }
    return normalizeQuery(out);
  };
}

function cutAt(s: string, sep: string): string {
  const i = s.indexOf(sep);
  return i < 0 ? s : s.slice(0, i);
}
