import { msUntilToken, newBucket, refill, takeTokens, type Bucket, type BucketSpec } from './bucket';

export type { BucketSpec } from './bucket';

/**
 * What the rate_limit handler needs from a limiter. `id` names one bucket (zone + key). Both
 * calls answer synchronously when they can, so the common path costs no promise.
 */
export interface Limiter {
  /** Take one token: 0 = admitted; > 0 = refused, milliseconds until a token is due. */
  take(id: string, spec: BucketSpec): number | Promise<number>;
  /** Take one of `max` concurrency slots of `id`; a granted slot must be released exactly once. */
  acquire(id: string, max: number): boolean | Promise<boolean>;
  release(id: string): void;
}

const SWEEP_MS = 10_000;

/**
 * The authoritative buckets of one process: a worker's own limits when it runs alone, and the
 * node-wide state in the cluster primary (which leases tokens to workers in batches). Buckets
 * that have filled up again are forgotten (a new one starts full, so nothing changes).
 */
export class LocalLimiter implements Limiter {
  private readonly buckets = new Map<string, Bucket & { spec: BucketSpec }>();
  private readonly slots = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  take(id: string, spec: BucketSpec): number {
    const r = this.lease(id, spec, 1);
    return r.n === 1 ? 0 : Math.max(1, r.waitMs);
  }

  /** Take up to `want` tokens; `waitMs` > 0 when the bucket is left without a whole token. */
  lease(id: string, spec: BucketSpec, want: number): { n: number; waitMs: number } {
    const now = performance.now();
    let b = this.buckets.get(id);
    if (!b) {
      b = { ...newBucket(spec, now), spec };
      this.buckets.set(id, b);
      this.startSweep();
    }
    // routes sharing a zone should agree on rate and burst; the latest caller's spec wins
    b.spec = spec;
    const n = takeTokens(b, spec, now, want);
    return { n, waitMs: n < want ? msUntilToken(b, spec) : 0 };
  }

  /** Put back tokens a worker leased and did not use (capped at the burst). */
  giveBack(id: string, spec: BucketSpec, n: number): void {
    const b = this.buckets.get(id);
    if (!b) return;
    refill(b, spec, performance.now());
    b.tokens = Math.min(spec.burst, b.tokens + n);
  }

  acquire(id: string, max: number): boolean {
    const n = this.slots.get(id) ?? 0;
    if (n >= max) return false;
    this.slots.set(id, n + 1);
    return true;
  }

  release(id: string): void {
    const n = this.slots.get(id) ?? 0;
    if (n <= 1) this.slots.delete(id);
    else this.slots.set(id, n - 1);
  }

  /** Slots of `id` in use (for tests and diagnostics). */
  inUse(id: string): number {
    return this.slots.get(id) ?? 0;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.buckets.clear();
    this.slots.clear();
  }

  private startSweep(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = performance.now();
      // a full bucket carries no information: forgetting it bounds memory to active clients
      for (const [id, b] of this.buckets) {
        refill(b, b.spec, now);
        if (b.tokens >= b.spec.burst) this.buckets.delete(id);
      }
      if (this.buckets.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, SWEEP_MS);
    this.timer.unref();
  }
}
