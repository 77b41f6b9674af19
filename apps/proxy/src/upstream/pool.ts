import { Pool, type Dispatcher } from 'undici';
import { parseDial } from '@switchyard/shared';
import type { Host, PoolSlot } from './host';

/**
 * Transport settings of one reverse_proxy handler, already resolved to milliseconds. Two
 * handlers with equal settings to the same address share one undici Pool.
 */
export interface TransportSettings {
  /** transport.dial_timeout (Caddy's default 3s). */
  readonly connectTimeout: number;
  /** transport.response_header_timeout; 0 = wait forever (Caddy's default). */
  readonly headersTimeout: number;
  /** transport.read_timeout: longest silence inside a response body; 0 = none. */
  readonly bodyTimeout: number;
  /** keep_alive.idle_timeout; undefined = undici's default (4s, or the upstream's Keep-Alive hint). */
  readonly idleTimeout: number | undefined;
  /** max_conns_per_host; 0 = unlimited (Caddy's default). */
  readonly maxConns: number;
  /** keep_alive.enabled; false opens one connection per request (Connection: close). */
  readonly keepAlive: boolean;
}

/** Identity of a settings object: pools are shared exactly when this string is equal. */
export function transportKey(t: TransportSettings): string {
  return `${t.connectTimeout}|${t.headersTimeout}|${t.bodyTimeout}|${t.idleTimeout ?? ''}|${t.maxConns}|${t.keepAlive ? 1 : 0}`;
}

/** undici Pool origin and options for `address` under `t`. Throws on an unparsable dial. */
export function poolOptions(address: string, t: TransportSettings): { origin: string; options: Pool.Options } {
  const d = parseDial(address);
  if (typeof d === 'string') throw new RangeError(d);
  const options: Pool.Options = {
    connections: t.maxConns > 0 ? t.maxConns : null,
    connectTimeout: t.connectTimeout,
    headersTimeout: t.headersTimeout,
    bodyTimeout: t.bodyTimeout,
    // One request per connection at a time; 0 disables reuse (undici then sends Connection: close).
    pipelining: t.keepAlive ? 1 : 0,
    maxHeaderSize: 64 * 1024,
  };
  if (t.idleTimeout !== undefined) {
    options.keepAliveTimeout = t.idleTimeout;
    options.keepAliveMaxTimeout = t.idleTimeout;
  }
  if (d.socketPath !== undefined) {
    options.socketPath = d.socketPath;
    return { origin: 'http://localhost', options };
  }
  const host = d.host.includes(':') ? `[${d.host}]` : d.host;
  return { origin: `http://${host}:${d.port}`, options };
}

class Slot implements PoolSlot {
  refs = 0;
  closed = false;
  private pool: Pool | undefined;

  constructor(
    private readonly host: Host,
    private readonly key: string,
    readonly origin: string,
    readonly options: Pool.Options,
  ) {}

  get(): Pool {
    return (this.pool ??= new Pool(this.origin, this.options));
  }

  close(): void {
    this.closed = true;
    if (this.host.pools.get(this.key) === this) this.host.pools.delete(this.key);
    const p = this.pool;
    this.pool = undefined;
    // close() lets queued and running requests finish, then drops the sockets.
    if (p) p.close().catch(() => {});
  }
}

/**
 * A handler's claim on the pool for (host, transport). The pool itself is created on first
 * dispatch. `release()` closes it gracefully once no handler holds it, so a config that
 * changes an address's transport replaces the pool while in-flight requests finish on the
 * old one. A dispatch after release (a request of a retired config still retrying) runs on a
 * one-shot pool that closes itself when that request is done.
 */
export class PoolLease {
  private readonly slot: Slot;
  private released = false;

  constructor(host: Host, settings: TransportSettings) {
    const key = transportKey(settings);
    let slot = host.pools.get(key) as Slot | undefined;
    if (slot === undefined || slot.closed) {
      const { origin, options } = poolOptions(host.address, settings);
      slot = new Slot(host, key, origin, options);
      host.pools.set(key, slot);
    }
    slot.refs++;
    this.slot = slot;
  }

  /** Start one request; the handler receives every outcome (undici's dispatch contract). */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    const slot = this.slot;
    if (!slot.closed) {
      slot.get().dispatch(opts, handler);
      return;
    }
    const once = new Pool(slot.origin, slot.options);
    once.dispatch(opts, handler);
    once.close().catch(() => {});
  }

  /** Drop this claim; idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (--this.slot.refs === 0) this.slot.close();
  }
}
