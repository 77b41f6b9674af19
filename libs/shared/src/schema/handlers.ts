import { Type, type Static } from '@sinclair/typebox';
import { Duration, HeaderMap, Obj, Opt, StatusOrClass } from './common';
import { HeaderOps, ResponseHeaderOps } from './headers';
import { ReverseProxyHandler } from './reverse-proxy';
import type { RouteConfig } from './config';

const RouteRef = Type.Unsafe<RouteConfig>(Type.Ref('Route'));

/**
 * Every HTTP handler Switchyard implements, with Caddy's JSON names; a route's `handle` list
 * runs them in order. Any other `handler` value is rejected.
 */
export const HANDLERS = {
  reverse_proxy: ReverseProxyHandler,
  subroute: Obj({
    handler: Type.Literal('subroute'),
    routes: Opt(Type.Array(RouteRef)),
    errors: Opt(Obj({ routes: Opt(Type.Array(RouteRef)) })),
  }, { description: 'Nested routes, evaluated like a server\'s routes.' }),
  rewrite: Obj({
    handler: Type.Literal('rewrite'),
    method: Opt(Type.String({ minLength: 1 })),
    uri: Opt(Type.String()),
    strip_path_prefix: Opt(Type.String()),
    strip_path_suffix: Opt(Type.String()),
    uri_substring: Opt(Type.Array(Obj({ find: Type.String(), replace: Opt(Type.String()), limit: Opt(Type.Integer({ minimum: 0 })) }))),
  }, { description: 'Rewrite the request URI or method.' }),
  headers: Obj({
    handler: Type.Literal('headers'),
    request: Opt(HeaderOps),
    response: Opt(ResponseHeaderOps),
  }, { description: 'Set, add, delete or replace request and response headers.' }),
  encode: Obj({
    handler: Type.Literal('encode'),
    encodings: Opt(Obj({ gzip: Opt(Obj({ level: Opt(Type.Integer({ minimum: 1, maximum: 9 })) })), zstd: Opt(Obj({})) }, { description: 'Default: gzip, and zstd where the runtime has it.' })),
    prefer: Opt(Type.Array(Type.Union([Type.Literal('gzip'), Type.Literal('zstd')]))),
    minimum_length: Opt(Type.Integer({ minimum: 0 })),
    match: Opt(Obj({ headers: Opt(HeaderMap), status_code: Opt(Type.Array(StatusOrClass)) })),
  }, { description: 'Compress responses (gzip, zstd).' }),
  static_response: Obj({
    handler: Type.Literal('static_response'),
    status_code: Opt(Type.Union([Type.Integer({ minimum: 100, maximum: 999 }), Type.String({ pattern: '^([1-9][0-9]{2}|.*\\{[^}]+\\}.*)$', description: 'A code, or a placeholder resolved per request.' })])),
    headers: Opt(HeaderMap),
    body: Opt(Type.String()),
    close: Opt(Type.Boolean()),
    abort: Opt(Type.Boolean()),
  }, { description: 'Answer directly.' }),
  rate_limit: Obj({
    handler: Type.Literal('rate_limit'),
    zone: Opt(Type.String({ minLength: 1, description: 'Name of a shared limit; routes naming the same zone share its buckets.' })),
    key: Opt(Type.String({ minLength: 1, description: 'Placeholder the limit is keyed by (default {http.request.client_ip}).' })),
    rate: Type.Number({ exclusiveMinimum: 0, description: 'Tokens (requests) per second, per key.' }),
    burst: Opt(Type.Integer({ minimum: 1, description: 'Bucket size (default: rate rounded up).' })),
    max_concurrent: Opt(Type.Integer({ minimum: 1, description: 'Concurrent requests allowed per key.' })),
    status_code: Opt(Type.Integer({ minimum: 400, maximum: 599 })),
  }, { description: 'Extension: token-bucket rate limit per client, shared by every worker of a node.' }),
} as const;

export type HandlerConfig = { [K in keyof typeof HANDLERS]: Static<(typeof HANDLERS)[K]> }[keyof typeof HANDLERS];
export type HandlerName = keyof typeof HANDLERS;

export const Handler = Type.Unsafe<HandlerConfig>({
  $id: 'Handler',
  type: 'object',
  required: ['handler'],
  discriminator: { propertyName: 'handler' },
  oneOf: Object.values(HANDLERS),
});

export { Duration };
