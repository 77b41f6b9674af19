import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestContext, ResponseHook } from '../handlers/types';
import type { ServerRuntime } from './build';
import { inList } from './match';

/**
 * Build the per-request context. The client IP follows the server's trusted_proxies: the
 * client_ip_headers (X-Forwarded-For by default) are read right to left, skipping trusted
 * proxies, and only when the socket peer itself is trusted.
 */
export function createContext(
  srv: ServerRuntime,
  req: IncomingMessage,
  res: ServerResponse | undefined,
  scheme: 'http' | 'https',
  socket?: Duplex,
  head?: Buffer,
): RequestContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const remoteIp = req.socket.remoteAddress ?? '';
  return {
    req,
    res,
    socket,
    head,
    start: performance.now(),
    scheme,
    remoteIp,
    remotePort: req.socket.remotePort ?? 0,
    clientIp: srv.trusted ? clientIpOf(srv, req, remoteIp) : remoteIp,
    method: req.method ?? 'GET',
    host: hostOnly(rawHost(req)),
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    upstream: undefined,
    status: 0,
    bytesOut: 0,
    responseHooks: [] as ResponseHook[],
    closing: false,
  };
}

function clientIpOf(srv: ServerRuntime, req: IncomingMessage, remoteIp: string): string {
  if (!inList(srv.trusted!, remoteIp)) return remoteIp;
  for (const name of srv.clientIpHeaders) {
    const raw = req.headers[name];
    if (raw === undefined) continue;
    const parts = (Array.isArray(raw) ? raw.join(',') : raw).split(',');
    for (let i = parts.length - 1; i >= 0; i--) {
      const ip = parts[i]!.trim();
      if (ip && !inList(srv.trusted!, ip)) return ip;
    }
    const first = parts[0]?.trim();
    if (first) return first;
  }
  return remoteIp;
}

/**
 * The Host header read from rawHeaders: `req.headers` is built lazily by node on first access
 * (an object and a lower-cased copy of every name), which the hot path would otherwise pay for
 * on every request just to learn the host.
 */
function rawHost(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 4 && (n === 'Host' || n === 'host' || n.toLowerCase() === 'host')) return raw[i + 1];
  }
  // HTTP/2: the listener copied :authority into req.headers.host.
  return req.httpVersionMajor === 2 ? req.headers.host : undefined;
}

/** Host header without port, lower case ("Example.com:8080" -> "example.com", "[::1]:80" -> "::1"). */
export function hostOnly(h: string | undefined): string {
  if (!h) return '';
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return (end > 0 ? h.slice(1, end) : h).toLowerCase();
  }
  const c = h.indexOf(':');
  return (c < 0 ? h : h.slice(0, c)).toLowerCase();
}
