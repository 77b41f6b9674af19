import type { ProxyFailure } from '../../forward/errors';
import type { Selection, SelectionRequest } from '../../selection';
import type { RequestContext } from '../types';
import type { Member } from './member';
import type { ProxyPlan } from './plan';

/**
 * Pick an upstream: the policy over the primaries, then (only when no primary is available)
 * over the backups. Upstreams in `tried` are skipped while another one is available, so a
 * retry goes to a different upstream when there is one.
 */
export function pick(plan: ProxyPlan, req: SelectionRequest, tried: readonly Member[] | null): Selection<Member> | null {
  if (tried !== null) {
    const p = choose(plan, without(plan.primaries, tried), without(plan.backups, tried), req);
    if (p !== null) return p;
  }
  return choose(plan, plan.primaries, plan.backups, req);
}

function choose(plan: ProxyPlan, primaries: readonly Member[], backups: readonly Member[], req: SelectionRequest): Selection<Member> | null {
  const s = primaries.length > 0 ? plan.policy.select(primaries, req) : null;
  return s === null && backups.length > 0 ? plan.backupPolicy.select(backups, req) : s;
}

function without(pool: readonly Member[], tried: readonly Member[]): readonly Member[] {
  return pool.filter((m) => !tried.includes(m));
}

/**
 * Caddy's `tryAgain` (2.6): no retries unless `retries` or `try_duration` is set; stop when
 * try_duration has elapsed since the request arrived (`ctx.start`) or `retries` extra attempts
 * were made; a request that may have reached the upstream is retried only if retry_match
 * allows it (default: GET) and its body was not consumed. "Never sent" (dial error, no
 * upstream available) is always retryable.
 */
export function mayRetry(plan: ProxyPlan, f: ProxyFailure, ctx: RequestContext, retriesDone: number, bodyIntact: boolean): boolean {
  if (plan.disposed || f.final) return false;
  if (plan.tryDurationMs === 0 && plan.retries === 0) return false;
  if (plan.tryDurationMs > 0 && performance.now() - ctx.start >= plan.tryDurationMs) return false;
  if (plan.retries > 0 && retriesDone >= plan.retries) return false;
  if (!bodyIntact) return false;
  if (f.sent) return plan.retryMatch === undefined ? ctx.method === 'GET' : plan.retryMatch(ctx);
  return true;
}

/** A response that counts as a passive failure though it is passed to the client. */
export function unhealthyResponse(plan: ProxyPlan, status: number, latencyMs: number): boolean {
  if (plan.unhealthyLatencyMs > 0 && latencyMs >= plan.unhealthyLatencyMs) return true;
  const list = plan.unhealthyStatus;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (status === c || (c < 100 && status >= c * 100 && status < (c + 1) * 100)) return true;
  }
  return false;
}
