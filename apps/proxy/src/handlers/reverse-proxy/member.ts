import { fnv1a32 } from '../../selection/hrw';
import type { UpstreamState } from '@switchyard/shared';
import type { Candidate } from '../../selection';
import type { Host } from '../../upstream/host';
import type { PoolLease } from '../../upstream/pool';

/**
 * How a policy may treat a `draining` upstream with `keep_sticky`: cookie pins keep it
 * (available, weight 0 so the fallback never picks it for new clients); hash policies keep
 * it with its weight so every key keeps its upstream (HRW cannot tell old keys from new);
 * other policies never route to a draining upstream.
 */
export type StickyMode = 'cookie' | 'hash' | 'none';

const HASH_POLICIES: ReadonlySet<string> = new Set(['ip_hash', 'client_ip_hash', 'uri_hash', 'header', 'query']);

/** The sticky mode of a policy by its Caddy name. */
export function stickyMode(policyName: string): StickyMode {
  return policyName === 'cookie' ? 'cookie' : HASH_POLICIES.has(policyName) ? 'hash' : 'none';
}

/** Pool-wide availability rules, resolved from the handler's config. */
export interface MemberRules {
  /** Passive health: unavailable while `host.fails >= maxFails`; 0 = passive checks off. */
  readonly maxFails: number;
  /** health_checks.passive.unhealthy_request_count (0 = none). */
  readonly unhealthyRequestCount: number;
  /** Slow start ramp in ms (0 = off). */
  readonly slowStartMs: number;
  readonly sticky: StickyMode;
}

/**
 * One upstream of one handler's pool: config (weight, backup, state, cap) bound to the live
 * `Host` of its address. A `Candidate` whose `available`, `weight`, `inFlight` and
 * `latencyEwma` are read live at selection time, so the pool array is built once per config
 * and no object is allocated per request.
 */
export class Member implements Candidate {
  readonly address: string;
  /** fnv1a32(address), for the hash policies (computed once per config, not per request). */
  readonly addressHash: number;
  /** In-flight cap: the lower positive of max_requests and unhealthy_request_count (0 = none). */
  readonly cap: number;
  /** Draining with keep_sticky under a sticky policy: reachable by existing pins only. */
  private readonly stickyDrain: boolean;

  constructor(
    readonly host: Host,
    readonly lease: PoolLease,
    /** Configured weight (upstream.weight ?? weights[i] ?? 1). */
    readonly baseWeight: number,
    readonly backup: boolean,
    readonly state: UpstreamState,
    keepSticky: boolean,
    maxRequests: number,
    private readonly rules: MemberRules,
  ) {
    this.address = host.address;
    this.addressHash = fnv1a32(host.address);
    const urc = rules.unhealthyRequestCount;
    this.cap = maxRequests > 0 && urc > 0 ? Math.min(maxRequests, urc) : maxRequests > 0 ? maxRequests : urc;
    this.stickyDrain = state === 'draining' && keepSticky && rules.sticky !== 'none';
  }

  get inFlight(): number {
    return this.host.inFlight;
  }

  get latencyEwma(): number {
    return this.host.latencyEwma;
  }

  /** Healthy (active and passive), not full, and active (or sticky-draining). Weight is judged by the policy. */
  get available(): boolean {
    const h = this.host;
    if (!h.activeHealthy) return false;
    const maxFails = this.rules.maxFails;
    if (maxFails > 0 && h.fails >= maxFails) return false;
    if (this.cap > 0 && h.inFlight >= this.cap) return false;
    return this.state === 'active' || this.stickyDrain;
  }

  /**
   * Effective weight: the configured one, ramped linearly from 10% to 100% over slow_start
   * after the host became available (added or recovered); 0 for cookie-pinned drains.
   */
  get weight(): number {
    if (this.stickyDrain && this.rules.sticky === 'cookie') return 0;
    const ramp = this.rules.slowStartMs;
    if (ramp <= 0) return this.baseWeight;
    return slowStartWeight(this.baseWeight, ramp, performance.now() - this.host.availableSince);
  }
}

/** Weight after `ageMs` of a `rampMs` slow start: 10% at 0, linear to 100% at `rampMs`. */
export function slowStartWeight(weight: number, rampMs: number, ageMs: number): number {
  if (rampMs <= 0 || weight === 0 || ageMs >= rampMs) return weight;
  return weight * (0.1 + (0.9 * Math.max(0, ageMs)) / rampMs);
}
