import { hrwSelect } from './hrw';
import type { Candidate, Selection, SelectionPolicy, SelectionRequest } from './types';

/** Extracts the hash key of a request; undefined or "" means "no key". */
export type KeyOf = (req: SelectionRequest) => string | undefined;

/**
 * A consistent-hash policy: rendezvous hashing (see `hrwSelect`) over a key taken from the
 * request. When the key is missing or empty, `fallback` chooses (Caddy >= 2.7); without a
 * fallback the empty key is hashed like any other, as Caddy's ip_hash and uri_hash do.
 */
export class HashPolicy implements SelectionPolicy {
  constructor(
    readonly name: string,
    private readonly keyOf: KeyOf,
    private readonly fallback: SelectionPolicy | null,
  ) {}

  select<C extends Candidate>(pool: readonly C[], req: SelectionRequest): Selection<C> | null {
    const key = this.keyOf(req);
    if (!key && this.fallback !== null) return this.fallback.select(pool, req);
    const c = hrwSelect(pool, key ?? '');
    return c === null ? null : { candidate: c };
  }
}

const remoteIp: KeyOf = (req) => req.remoteIp;
const clientIp: KeyOf = (req) => req.clientIp;
const uri: KeyOf = (req) => req.uri;

/** `ip_hash`: HRW over the socket's remote IP (ignores X-Forwarded-For, as Caddy). */
export function createIpHash(): SelectionPolicy {
  return new HashPolicy('ip_hash', remoteIp, null);
}

/** `client_ip_hash`: HRW over the client IP after trusted_proxies handling. */
export function createClientIpHash(): SelectionPolicy {
  return new HashPolicy('client_ip_hash', clientIp, null);
}

/** `uri_hash`: HRW over the request URI (path + query, as received). */
export function createUriHash(): SelectionPolicy {
  return new HashPolicy('uri_hash', uri, null);
}

/**
 * `header`: HRW over the first value of header `field` (case-insensitive; `Host` is the
 * request's host); an absent or empty header goes to `fallback`.
 */
export function createHeaderHash(field: string, fallback: SelectionPolicy): SelectionPolicy {
  const name = field.toLowerCase();
  return new HashPolicy('header', (req) => req.header(name), fallback);
}

/** `query`: HRW over the first value of query parameter `key`; absent or empty goes to `fallback`. */
export function createQueryHash(key: string, fallback: SelectionPolicy): SelectionPolicy {
  return new HashPolicy('query', (req) => req.query(key), fallback);
}
