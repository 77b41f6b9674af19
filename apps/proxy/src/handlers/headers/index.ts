import type { HandlerConfig } from '@switchyard/shared';
import type { BuildServices, Handler, ResponseHook } from '../types';
import { compileHeaderOps, syncRawHeaders, type HeaderBag } from './ops';
import { compileResponseMatch } from './match';

export { compileHeaderOps, syncRawHeaders, canonicalHeaderKey, type HeaderOpsConfig, type HeaderBag, type ApplyOps } from './ops';
export { compileResponseMatch, statusMatches, type ResponseMatcher, type ResponseMatchConfig } from './match';

type HeadersConfig = Extract<HandlerConfig, { handler: 'headers' }>;

/**
 * Caddy's `headers` handler. Request operations change `ctx.req.headers` (what placeholders and
 * matchers read) and `ctx.req.rawHeaders` (what the reverse proxy forwards) before the next
 * handler runs. Response operations are applied when the
 * response head is written, through a response hook, whether or not `deferred` is set: that is
 * Caddy's deferred behaviour, which the Caddyfile turns on for every delete. (Caddy applies
 * non-deferred response operations before the upstream's headers are merged in, so there a
 * `set` can end up next to the upstream's own value; here the configured value wins.) `require`
 * gates the response operations on the final status and headers.
 */
export function createHeaders(raw: { handler: string }, _services: BuildServices, path: string): Handler {
  const cfg = raw as HeadersConfig;
  const reqOps = compileHeaderOps(cfg.request, `${path}/request`, 'request');
  const resOps = compileHeaderOps(cfg.response, `${path}/response`, 'response');
  const require = cfg.response?.require ? compileResponseMatch(cfg.response.require) : undefined;
  const hook: ResponseHook | undefined = resOps
    ? (ctx, status, headers) => {
        if (!require || require(status, headers)) resOps(headers as HeaderBag, ctx);
      }
    : undefined;
  return {
    name: 'headers',
    handle(ctx, next) {
      if (reqOps) {
        const req = ctx.req as unknown as { headers: HeaderBag; rawHeaders: string[] };
        syncRawHeaders(req, reqOps(req.headers, ctx));
      }
      if (hook) ctx.responseHooks.push(hook);
      return next(ctx);
    },
  };
}
