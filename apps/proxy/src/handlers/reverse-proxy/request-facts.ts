import { cookieValue } from '../../forward/placeholders';
import type { RequestContext } from '../types';

/**
 * The request lookups a selection policy may make (`SelectionRequest.header/query/cookie`),
 * shared by the HTTP and the Upgrade paths. `host` is the Host the proxy forwards (the header
 * or HTTP/2's :authority), which Caddy's `header` policy reads for the Host field.
 */
export function requestHeader(ctx: RequestContext, host: string, name: string): string | undefined {
  if (name === 'host') return host || undefined;
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function requestCookie(ctx: RequestContext, name: string): string | undefined {
  const c = ctx.req.headers.cookie;
  return c === undefined ? undefined : cookieValue(c, name);
}
