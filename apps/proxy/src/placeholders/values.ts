import os from 'node:os';
import type { RequestContext } from '../handlers/types';

/** Reads one placeholder's value; undefined = not known for this request (kept or dropped as unknown). */
export type Getter = (ctx: RequestContext) => string | undefined;

const FIXED: Readonly<Record<string, Getter>> = {
  'http.request.method': (c) => c.method,
  'http.request.orig_method': (c) => c.req.method ?? '',
  'http.request.scheme': (c) => c.scheme,
  'http.request.proto': (c) => `HTTP/${c.req.httpVersion}`,
  'http.request.host': (c) => c.host,
  'http.request.hostport': (c) => c.req.headers.host ?? '',
  'http.request.port': (c) => portOf(c.req.headers.host ?? ''),
  'http.request.remote': (c) => joinHostPort(c.remoteIp, c.remotePort),
  'http.request.remote.host': (c) => c.remoteIp,
  'http.request.remote.port': (c) => String(c.remotePort),
  'http.request.client_ip': (c) => c.clientIp,
  'http.vars.client_ip': (c) => c.clientIp,
  // uri and query are in escaped (wire) form, uri.path decoded, as Caddy's URL.RequestURI / URL.Path
  'http.request.uri': (c) => (c.query ? `${c.path}?${c.query}` : c.path),
  'http.request.uri.path': (c) => unescapePath(c.path),
  'http.request.uri.path.file': (c) => fileOf(unescapePath(c.path)),
  'http.request.uri.path.dir': (c) => dirOf(unescapePath(c.path)),
  'http.request.uri.query': (c) => c.query,
  'http.request.orig_uri': (c) => c.req.url ?? '',
  'http.request.orig_uri.path': (c) => unescapePath(cut(c.req.url ?? '', '?')[0]),
  'http.request.orig_uri.query': (c) => cut(c.req.url ?? '', '?')[1],
  'http.reverse_proxy.upstream.hostport': (c) => c.upstream,
  'http.reverse_proxy.upstream.host': (c) => (c.upstream === undefined ? undefined : splitHostPort(c.upstream)[0]),
  'http.reverse_proxy.upstream.port': (c) => (c.upstream === undefined ? undefined : splitHostPort(c.upstream)[1]),
  'time.now.unix': () => String(Math.floor(Date.now() / 1000)),
  'time.now.unix_ms': () => String(Date.now()),
  'time.now.http': () => new Date().toUTCString(),
};

/**
 * The getter for a placeholder name, or undefined when Switchyard does not know the name (the
 * caller then keeps or drops it as Caddy does with unknown placeholders). Resolved once, at
 * build time; the getter reads the request's current state (rewrites and header ops included).
 */
export function lookup(name: string): Getter | undefined {
  const fixed = FIXED[name];
  if (fixed) return fixed;
  if (name.startsWith('http.request.header.')) {
    const h = name.slice(20).toLowerCase();
    return (c) => {
      const v = c.req.headers[h];
      return v === undefined ? '' : Array.isArray(v) ? v.join(',') : v;
    };
  }
  if (name.startsWith('http.request.uri.query.')) {
    const k = name.slice(23);
    return (c) => (c.query ? new URLSearchParams(c.query).get(k) ?? '' : '');
  }
  if (name.startsWith('http.request.cookie.')) {
    const k = name.slice(20);
    return (c) => cookie(c.req.headers.cookie, k);
  }
  if (name.startsWith('http.request.host.labels.')) {
    const i = Number(name.slice(25));
    if (!Number.isInteger(i) || i < 0) return undefined;
    return (c) => {
      const labels = c.host.split('.');
      return labels[labels.length - 1 - i] ?? '';
    };
  }
  if (name.startsWith('env.')) {
    const k = name.slice(4);
    return () => process.env[k] ?? '';
  }
  if (name === 'system.hostname') {
    const h = os.hostname();
    return () => h;
  }
  return undefined;
}

/** Percent-decode a path as Go's url.PathUnescape; an invalid escape leaves the path as it is. */
export function unescapePath(p: string): string {
  if (!p.includes('%')) return p;
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** "ip:port", bracketing IPv6 literals as Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Split "host:port" / "[v6]:port"; a missing port is "". */
export function splitHostPort(hp: string): [string, string] {
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end > 0) return [hp.slice(1, end), hp[end + 1] === ':' ? hp.slice(end + 2) : ''];
  }
  const c = hp.lastIndexOf(':');
  if (c < 0 || hp.indexOf(':') !== c) return [hp, ''];
  return [hp.slice(0, c), hp.slice(c + 1)];
}

function portOf(hostHeader: string): string {
  return splitHostPort(hostHeader)[1];
}

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function fileOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}

/** First cookie named `name` in a Cookie header (surrounding double quotes removed, as Go does). */
function cookie(header: string | undefined, name: string): string {
  if (!header) return '';
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const v = pair.slice(eq + 1).trim();
    return v.length > 1 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  }
  return '';
}
