import { LATENCY_BUCKET_BOUNDS_MS } from '@switchyard/shared';
/**
 * Live state of one upstream dial address, kept apart from config.
 *
 * A `Host` is created the first time a config names its address and lives in the
 * `HostRegistry` for as long as some config names it or something is still in flight on it,
 * so a config swap never resets in-flight counts, passive failures, active health or the
 * connection pool of an address that stays (unlike Caddy, which forgets fails on reload).
 */
export class Host {
  /** Requests currently being proxied to this address (Caddy's `num_requests`). */
  inFlight = 0;
  /** Upgraded connections (WebSocket, ...) currently tunnelled to this address. */
  upgraded = 0;
  /** Requests ever started on this address. */
  requests = 0;
  /** Passive failures ever recorded. */
  failsTotal = 0;
  /** Passive failures still within their `fail_duration` (Caddy's `fails`). */
  fails = 0;
  /** Result of active health checks; true until a checker says otherwise. */
  activeHealthy = true;
  /** Consecutive active results, for the `passes`/`fails` thresholds. */
  activePasses = 0;
  activeFails = 0;
  /** Peak-EWMA of response latency in ms (0 = unknown). */
  latencyEwma = 0;
  /** Time (ms, monotonic) of the last EWMA update. */
  latencyStamp = 0;
  /** When this address last became available (added, or recovered), for slow start. */
  availableSince: number;
  /** Latency histogram bucket counts (upper bounds in `LATENCY_BUCKETS_MS`, last = +Inf). */
  readonly latencyBuckets: number[] = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  latencySumMs = 0;
  /**
   * Keep-alive connection pools to this address, one per transport fingerprint (several
   * configs or routes may name the address with different transport options). Managed by
   * `upstream/pool.ts`: leased by handlers, closed gracefully when the last lease is released.
   */
  readonly pools = new Map<string, PoolSlot>();
  /**
   * Abort functions of the HTTP exchanges in flight to this address, so a drain's
   * `on_timeout: close` (admin `close_upstream`) can cut them.
   */
  readonly aborts = new Set<{ cut(): void }>();
  /** Open Upgrade tunnels to this address; `upgraded === tunnels.size` at all times. */
  readonly tunnels = new Set<Tunnel>();

  constructor(readonly address: string, now: number = performance.now()) {
    this.availableSince = now;
  }

  /**
   * Count one passive failure, forgotten after `durationMs` (timer is unref'd so it never
   * holds the process open). The timer is independent of any config, so it survives swaps.
   * With `maxFails`, the expiry that brings `fails` back under it stamps `availableSince`.
   */
  recordFailure(durationMs: number, maxFails = 0): void {
    this.failsTotal++;
    if (durationMs <= 0) return;
    this.fails++;
    const t = setTimeout(() => {
      this.fails--;
      // Crossing back below the threshold is a passive recovery: slow start begins here.
      if (maxFails > 0 && this.fails === maxFails - 1) this.availableSince = performance.now();
    }, durationMs);
    t.unref();
  }

  /**
   * Fold one observed latency into the peak-EWMA (Finagle/Linkerd): a sample above the
   * estimate replaces it at once (peak), lower samples decay in with time constant `tauMs`.
   */
  observeLatency(ms: number, now: number = performance.now(), tauMs = 10_000): void {
    if (this.latencyEwma === 0 || ms > this.latencyEwma) {
      this.latencyEwma = ms;
    } else {
      const w = Math.exp(-(now - this.latencyStamp) / tauMs);
      this.latencyEwma = this.latencyEwma * w + ms * (1 - w);
    }
    this.latencyStamp = now;
    this.latencySumMs += ms;
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.latencyBuckets[i]!++;
  }

  /** Nothing is in flight or tunnelled: a removed address may be forgotten. */
  get idle(): boolean {
    return this.inFlight === 0 && this.upgraded === 0;
  }
}

/** Histogram bucket upper bounds (ms) for per-upstream latency, Prometheus-style. */
export const LATENCY_BUCKETS_MS: readonly number[] = LATENCY_BUCKET_BOUNDS_MS;

/** One pooled transport to a Host (see `upstream/pool.ts`); opaque here. */
export interface PoolSlot {
  /** Handlers currently holding a lease on this slot. */
  refs: number;
  close(): void;
}

/** One open Upgrade tunnel; `destroy` tears down both sockets. */
export interface Tunnel {
  destroy(): void;
}
