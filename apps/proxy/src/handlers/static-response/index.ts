import type { OutgoingHttpHeaders } from 'node:http';
import type { HandlerConfig } from '@switchyard/shared';
import type { BuildServices, Handler, RequestContext } from '../types';
import { respond, writeHead } from '../respond';
import { compileTemplate, type Template } from '../../placeholders';

type StaticConfig = Extract<HandlerConfig, { handler: 'static_response' }>;

/**
 * Caddy's `static_response`, a terminal handler. Header values expand placeholders with
 * ReplaceAll (unknown ones become ""), the body with ReplaceKnown (unknown ones stay), both as
 * Caddy 2.6.2 does. A non-empty body without a configured Content-Type is sent as
 * text/plain; charset=utf-8. 1xx/204/304 carry no body and no Content-Length. `close` adds
 * `Connection: close` (node then closes after the response); `abort` destroys the connection
 * without answering.
 */
export function createStaticResponse(raw: { handler: string }, _services: BuildServices, _path: string): Handler {
  const cfg = raw as StaticConfig;
  // The status may be a placeholder ("{http.request.header.X-Code}"), resolved per request;
  // a value that is not a 3-digit code then answers 500, as Caddy errors out.
  const statusTemplate = typeof cfg.status_code === 'string' && cfg.status_code.includes('{') ? compileTemplate(cfg.status_code, { unknown: 'empty' }) : undefined;
  const fixed = cfg.status_code === undefined ? 200 : statusTemplate ? 0 : Number(cfg.status_code);
  const statusOf = (ctx: RequestContext): number => {
    if (!statusTemplate) return fixed;
    const v = statusTemplate(ctx).trim();
    return /^[1-9][0-9]{2}$/.test(v) ? Number(v) : 500;
  };
  const headers = Object.entries(cfg.headers ?? {}).map(([n, vs]) => [n.toLowerCase(), vs.map((v) => compileTemplate(v, { unknown: 'empty' }))] as const);
  const body: Template | undefined = cfg.body ? compileTemplate(cfg.body) : undefined;
  const typed = headers.some(([n]) => n === 'content-type');

  const answer = (ctx: RequestContext): void => {
    const status = statusOf(ctx);
    const noBody = status < 200 || status === 204 || status === 304;
    const h: OutgoingHttpHeaders = {};
    for (const [n, vs] of headers) h[n] = vs.length === 1 ? vs[0]!(ctx) : vs.map((t) => t(ctx));
    if (cfg.close) h['connection'] = 'close';
    const text = body?.(ctx);
    if (text && !typed) h['content-type'] = 'text/plain; charset=utf-8';
    if (!ctx.res) {
      respond(ctx, status, h, text);
      return;
    }
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    const buf = text && !noBody ? Buffer.from(text) : undefined;
    if (!noBody) h['content-length'] = buf ? buf.length : 0;
    const sink = writeHead(ctx, status, h);
    if (buf && ctx.req.method !== 'HEAD') {
      ctx.bytesOut += buf.length;
      sink.end(buf);
    } else sink.end();
  };

  return {
    name: 'static_response',
    async handle(ctx) {
      if (cfg.abort) {
        if (ctx.res) ctx.res.destroy();
        else ctx.socket?.destroy();
        return;
      }
      answer(ctx);
    },
  };
}
