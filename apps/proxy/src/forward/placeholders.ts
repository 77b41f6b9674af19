import type { RequestContext } from '../handlers/types';
import { headerValue } from './hop';

/**
 * A small subset of Caddy's placeholders for the reverse_proxy header rules, compiled once at
 * build time: `{http.request.*}` and `{http.reverse_proxy.*}`. Unknown placeholders are kept
 * literally (Caddy's ReplaceKnown); `\{` and `\}` are literal braces. A general placeholder
 * module may replace this one; the compiled form keeps the hot path free of string parsing.
 */

/** What a placeholder can read while one attempt is being forwarded. */
export interface PlaceholderScope {
  readonly ctx: RequestContext;
  /** Dial address of the upstream of the current attempt ('' before one is chosen). */
  readonly upstreamAddress: string;
  readonly upstreamRequests: number;
  readonly upstreamFails: number;
  /** Upstream response status (0 on the request side). */
  readonly responseStatus: number;
  /** Upstream response headers (flat list), undefined on the request side. */
  readonly responseHeaderList: readonly string[] | undefined;
}

type Resolver = (s: PlaceholderScope) => string;

/** A compiled string: either constant, or parts joined per expansion. */
export interface Template {
  readonly constant: string | undefined;
  readonly parts: readonly (string | Resolver)[];
  /** Reads the chosen upstream, so it must be expanded per attempt. */
  readonly perUpstream: boolean;
}

/** Compile `text`; a string without placeholders costs nothing to expand. */
export function compileTemplate(text: string): Template {
  const parts: (string | Resolver)[] = [];
  let lit = '';
  let perUpstream = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '{' || text[i + 1] === '}')) {
      lit += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '{') {
      const end = text.indexOf('}', i + 1);
      const key = end < 0 ? '' : text.slice(i + 1, end);
      const r = key === '' || /[\s{]/.test(key) ? undefined : resolverFor(key);
      if (r !== undefined) {
        if (lit) parts.push(lit);
        lit = '';
        parts.push(r);
        if (key.startsWith('http.reverse_proxy.upstream.')) perUpstream = true;
        i = end + 1;
        continue;
      }
    }
    lit += c;
    i++;
  }
  if (lit) parts.push(lit);
  const constant = parts.every((p) => typeof p === 'string') ? (parts as string[]).join('') : undefined;
  return { constant, parts, perUpstream };
}

/** Expand a compiled template in `scope`. */
export function expand(t: Template, scope: PlaceholderScope): string {
  if (t.constant !== undefined) return t.constant;
  let s = '';
  for (let i = 0; i < t.parts.length; i++) {
    const p = t.parts[i]!;
    s += typeof p === 'string' ? p : p(scope);
  }
  return s;
}

const FIXED: Readonly<Record<string, Resolver>> = {
  'http.request.host': (s) => s.ctx.host,
  'http.request.hostport': (s) => String(s.ctx.req.headers.host ?? ''),
  'http.request.port': (s) => portOf(String(s.ctx.req.headers.host ?? '')) || (s.ctx.scheme === 'https' ? '443' : '80'),
  'http.request.method': (s) => s.ctx.method,
  'http.request.scheme': (s) => s.ctx.scheme,
  'http.request.proto': (s) => `HTTP/${s.ctx.req.httpVersion}`,
  'http.request.uri': (s) => (s.ctx.query ? `${s.ctx.path}?${s.ctx.query}` : s.ctx.path),
  'http.request.uri.path': (s) => s.ctx.path,
  'http.request.uri.query': (s) => s.ctx.query,
  'http.request.orig_uri': (s) => s.ctx.req.url ?? '',
  'http.request.remote': (s) => joinHostPort(s.ctx.remoteIp, String(s.ctx.remotePort)),
  'http.request.remote.host': (s) => s.ctx.remoteIp,
  'http.request.remote.port': (s) => String(s.ctx.remotePort),
  'http.request.client_ip': (s) => s.ctx.clientIp,
  'http.reverse_proxy.upstream.address': (s) => s.upstreamAddress,
  'http.reverse_proxy.upstream.hostport': (s) => s.upstreamAddress,
  'http.reverse_proxy.upstream.host': (s) => hostOf(s.upstreamAddress),
  'http.reverse_proxy.upstream.port': (s) => portOf(s.upstreamAddress),
  'http.reverse_proxy.upstream.requests': (s) => String(s.upstreamRequests),
  'http.reverse_proxy.upstream.fails': (s) => String(s.upstreamFails),
  'http.reverse_proxy.status_code': (s) => (s.responseStatus ? String(s.responseStatus) : ''),
};

function resolverFor(key: string): Resolver | undefined {
  const fixed = FIXED[key];
  if (fixed !== undefined) return fixed;
  const arg = (prefix: string): string | undefined => (key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : undefined);
  let name = arg('http.request.header.');
  if (name !== undefined) {
    const n = name.toLowerCase();
    return (s) => {
      const v = s.ctx.req.headers[n];
      return v === undefined ? '' : Array.isArray(v) ? v.join(',') : v;
    };
  }
  name = arg('http.request.uri.query.');
  if (name !== undefined) {
    const k = name;
    return (s) => new URLSearchParams(s.ctx.query).get(k) ?? '';
  }
  name = arg('http.request.cookie.');
  if (name !== undefined) {
    const k = name;
    return (s) => cookieValue(String(s.ctx.req.headers.cookie ?? ''), k) ?? '';
  }
  name = arg('http.reverse_proxy.header.');
  if (name !== undefined) {
    const n = name.toLowerCase();
    return (s) => (s.responseHeaderList ? headerValue(s.responseHeaderList, n) ?? '' : '');
  }
  return undefined;
}

/** Value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string, name: string): string | undefined {
  let i = 0;
  while (i < header.length) {
    let end = header.indexOf(';', i);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', i);
    if (eq > 0 && eq < end && header.slice(i, eq).trim() === name) {
      let v = header.slice(eq + 1, end).trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      return v;
    }
    i = end + 1;
  }
  return undefined;
}

function hostOf(hostport: string): string {
  if (hostport.startsWith('[')) return hostport.slice(1, hostport.indexOf(']'));
  const c = hostport.lastIndexOf(':');
  return c < 0 ? hostport : hostport.slice(0, c);
}

function portOf(hostport: string): string {
  const c = hostport.lastIndexOf(':');
  return c < 0 || hostport.endsWith(']') ? '' : hostport.slice(c + 1);
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
