import { Type, type Static } from '@sinclair/typebox';
import { HeaderMap, Obj, Opt } from './common';

/**
 * One matcher set: every matcher in it must match (AND); a route's `match` is a list of sets,
 * any of which may match (OR). A route without `match` matches everything.
 */
export const MatcherSet = Obj(
  {
    host: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Host names; case-insensitive; "*.example.com" wildcards.' })),
    path: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Paths; "*" matches any run of characters ("/api/*", "*.css", "/exact").' })),
    method: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'HTTP methods (upper case).' })),
    header: Opt(Type.Record(Type.String(), Type.Union([Type.Array(Type.String()), Type.Null()]), { description: 'Header name -> accepted values ("*" wildcards; empty list = present; null = absent).' })),
    query: Opt(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Query key -> accepted values ("*" = any).' })),
    remote_ip: Opt(Obj({ ranges: Type.Array(Type.String()) }, { description: 'Client socket address in one of the CIDR ranges.' })),
    client_ip: Opt(Obj({ ranges: Type.Array(Type.String()) }, { description: 'Client IP (after trusted_proxies) in one of the CIDR ranges.' })),
  },
  { description: 'A set of matchers that must all match.' },
);
export type MatcherSetConfig = Static<typeof MatcherSet>;
export { HeaderMap };
