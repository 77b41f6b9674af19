import { createHmac } from 'node:crypto';
import type { Candidate, Selection, SelectionPolicy, SelectionRequest } from './types';

/** Cookie name when the config leaves `name` empty (Caddy's default). */
export const DEFAULT_COOKIE_NAME = 'lb';
/** Bound on the address -> HMAC memo; addresses come from config, so this is never reached in practice. */
const MEMO_LIMIT = 4096;

/** hex(HMAC-SHA256(secret, address)): the cookie value naming `address` (Caddy's hashCookie). */
export function cookieValue(secret: string, address: string): string {
  return createHmac('sha256', secret).update(address).digest('hex');
}

/**
 * `cookie`: sticky sessions. A cookie whose value is the HMAC of an available candidate's
 * address selects that candidate, whatever its weight (a sticky client is not new traffic,
 * which lets a draining upstream keep its sessions). Otherwise `fallback` picks and the
 * result carries `Set-Cookie: <name>=<hmac>; Path=/`. The HMAC of each address is memoised,
 * so the hot path is n string compares.
 */
export class CookiePolicy implements SelectionPolicy {
  readonly name = 'cookie';
  private readonly memo = new Map<string, string>();

  constructor(
    readonly cookieName: string,
    private readonly secret: string,
    private readonly fallback: SelectionPolicy,
  ) {}

  select<C extends Candidate>(pool: readonly C[], req: SelectionRequest): Selection<C> | null {
    const value = req.cookie(this.cookieName);
    if (value !== undefined && value.length === 64) {
      for (let i = 0; i < pool.length; i++) {
        const c = pool[i]!;
        if (c.available && this.valueOf(c.address) === value) return { candidate: c };
      }
    }
    const picked = this.fallback.select(pool, req);
    if (picked === null) return null;
    return {
      candidate: picked.candidate,
      setCookie: `${this.cookieName}=${this.valueOf(picked.candidate.address)}; Path=/`,
    };
  }

  private valueOf(address: string): string {
    let v = this.memo.get(address);
    if (v === undefined) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      v = cookieValue(this.secret, address);
      this.memo.set(address, v);
    }
    return v;
  }
}

/** Factory for `{"policy": "cookie", "name": "lb", "secret": "", "fallback": {...}}`. */
export function createCookie(name: string, secret: string, fallback: SelectionPolicy): SelectionPolicy {
  return new CookiePolicy(name || DEFAULT_COOKIE_NAME, secret, fallback);
}
