import type { OutgoingHttpHeaders } from 'node:http';
import type { Writable } from 'node:stream';
import type { RequestContext } from './types';

/**
 * Write the response head through the context's response hooks (header ops, encode) and return
 * the sink the body must be written into. Every handler that answers goes through here, so
 * `headers` response rules and `encode` apply to proxied, static and default responses alike.
 */
export function writeHead(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders): Writable {
  const res = ctx.res!;
  let sink: Writable = res;
  const hooks = ctx.responseHooks;
  if (hooks.length > 0) {
    // As in Caddy, the handler registered last (innermost) sees the response first, and the
    // first-registered wrapper ends up next to the socket: [encode, headers] lets headers
    // change Content-Type before encode decides.
    let wraps: ((s: Writable) => Writable)[] | undefined;
    for (let i = hooks.length - 1; i >= 0; i--) {
      const r = hooks[i]!(ctx, status, headers);
      if (r) {
        if (r.status !== undefined) status = r.status;
        if (r.wrap) (wraps ??= []).push(r.wrap);
      }
    }
    if (wraps) for (let i = wraps.length - 1; i >= 0; i--) sink = wraps[i]!(sink);
  }
  if (ctx.closing) headers['connection'] = 'close';
  ctx.status = status;
  res.writeHead(status, headers);
  return sink;
}

/** Answer with a complete small body (static responses, the default 200, errors). */
export function respond(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders, body?: string | Buffer): void {
  if (ctx.res === undefined) {
    // An upgrade request that nothing handled: answer on the raw socket and close it.
    const text = body ? Buffer.from(body) : Buffer.alloc(0);
    ctx.status = status;
    ctx.socket?.end(`HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`);
    return;
  }
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  const buf = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  if (buf && !('content-type' in headers)) headers['content-type'] = 'text/plain; charset=utf-8';
  headers['content-length'] = buf ? buf.length : 0;
  const sink = writeHead(ctx, status, headers);
  ctx.bytesOut += buf ? buf.length : 0;
  sink.end(buf);
}

function statusText(status: number): string {
  return (require('node:http') as typeof import('node:http')).STATUS_CODES[status] ?? 'Status';
}
