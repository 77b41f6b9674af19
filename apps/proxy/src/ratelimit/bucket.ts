/** How a bucket fills: `rate` tokens per second up to `burst` tokens. */
export interface BucketSpec {
  readonly rate: number;
  readonly burst: number;
}

/** A token bucket's state; `last` is the monotonic time (ms) of the last refill. */
export interface Bucket {
  tokens: number;
  last: number;
}

/** A new bucket starts full, so a client's first `burst` requests pass at once. */
export function newBucket(spec: BucketSpec, now: number): Bucket {
  return { tokens: spec.burst, last: now };
}

/** Add the tokens earned since the last refill; never above `burst` (a smaller new burst caps it). */
export function refill(b: Bucket, spec: BucketSpec, now: number): void {
  if (now > b.last) b.tokens += ((now - b.last) * spec.rate) / 1000;
  if (b.tokens > spec.burst) b.tokens = spec.burst;
  b.last = now;
}

/** Refill, then take up to `want` whole tokens; returns how many were taken. */
export function takeTokens(b: Bucket, spec: BucketSpec, now: number, want: number): number {
  refill(b, spec, now);
  const n = Math.min(want, Math.floor(b.tokens + 1e-9));
  if (n > 0) b.tokens -= n;
  return n;
}

/** Milliseconds until the bucket holds one whole token (0 when it already does). */
export function msUntilToken(b: Bucket, spec: BucketSpec): number {
  return b.tokens >= 1 - 1e-9 ? 0 : ((1 - b.tokens) * 1000) / spec.rate;
}

/**
 * How many tokens a worker leases at once: about 50 ms of traffic at the full rate, and at most
 * a quarter of the burst split across the workers, so the tokens sitting unused in workers'
 * hands stay a small fraction of what the node admits (the 10% bound). Never less than 1.
 */
export function leaseSize(spec: BucketSpec, workers: number): number {
  return Math.max(1, Math.min(Math.floor(spec.burst / (4 * Math.max(1, workers))), Math.ceil(spec.rate / 20)));
}

/** Retry-After in whole seconds (at least 1) for a wait of `ms`. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000 - 1e-9));
}
