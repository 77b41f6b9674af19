import type { HandlerConfig } from '@switchyard/shared';
import type { BuildServices, Handler, RequestContext } from '../types';
import { respond } from '../respond';
import { compileTemplate } from '../../placeholders';
import { rateLimiter, retryAfterSeconds, type BucketSpec, type Limiter } from '../../ratelimit';

type RateLimitConfig = Extract<HandlerConfig, { handler: 'rate_limit' }>;

/**
 * The `rate_limit` extension handler: a token bucket per key (`rate` tokens per second, `burst`
 * deep, default burst = ceil(rate)) and optionally at most `max_concurrent` requests in flight
 * per key. A refused request gets `status_code` (429) with Retry-After in whole seconds, through
 * the response hooks like any answer. The key is a placeholder string (default the client IP
 * after trusted_proxies); requests whose key expands to "" share one bucket. Buckets belong to
 * the zone (`zone`, or this handler's config path): routes naming the same zone share them,
 * and they survive config reloads. Limits are node-wide when the cluster primary runs the
 * coordinator (ratelimit/primary.ts). A concurrency slot is released when the response (or the
 * upgraded socket) closes.
 */
export function createRateLimit(raw: { handler: string }, _services: BuildServices, path: string): Handler {
  const cfg = raw as RateLimitConfig;
  const limiter: Limiter = rateLimiter();
  const zone = cfg.zone ?? `route:${path}`;
  const key = compileTemplate(cfg.key ?? '{http.request.client_ip}', { unknown: 'empty' });
  const spec: BucketSpec = Object.freeze({ rate: cfg.rate, burst: cfg.burst ?? Math.ceil(cfg.rate) });
  const status = cfg.status_code ?? 429;
  const maxConcurrent = cfg.max_concurrent;

  const refuse = (ctx: RequestContext, waitMs: number): void => {
    respond(ctx, status, { 'retry-after': String(retryAfterSeconds(waitMs)) });
  };

  return {
    name: 'rate_limit',
    async handle(ctx, next) {
      const id = `${zone}\u0000${key(ctx)}`;
      const r = limiter.take(id, spec);
      const wait = typeof r === 'number' ? r : await r;
      if (wait > 0) return refuse(ctx, wait);
      if (maxConcurrent !== undefined) {
        // the token is spent even when the slot is refused: both limits count attempts
        const got = limiter.acquire(id, maxConcurrent);
        if (!(typeof got === 'boolean' ? got : await got)) return refuse(ctx, 1000);
        releaseOnClose(ctx, () => limiter.release(id));
      }
      return next(ctx);
    },
  };
}

/** Run `release` once, when the exchange is over (response closed, or tunnel socket closed). */
function releaseOnClose(ctx: RequestContext, release: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    release();
  };
  const target = ctx.res ?? ctx.socket;
  if (!target || target.destroyed) {
    queueMicrotask(once);
    return;
  }
  target.once('close', once);
}
