import type { UpstreamStats } from '@switchyard/shared';
import type { UpstreamStatus } from './types';
import { project } from '../store/projection';
import type { Json } from '../config/tree';

interface ConfiguredUpstream {
  address: string;
  pools: string[];
  weight: number;
  backup: boolean;
  state: string;
  max_requests: number;
}

/**
 * Every upstream the config names, in config order, deduplicated by dial (as Caddy's global
 * pool), read from the same projection the store writes (so weight precedence is defined once).
 */
export function configuredUpstreams(config: unknown): Map<string, ConfiguredUpstream> {
  const out = new Map<string, ConfiguredUpstream>();
  for (const u of project((config ?? null) as Json | null).upstreams) {
    const e = out.get(u.address);
    if (e) {
      if (!e.pools.includes(u.pool_id)) e.pools.push(u.pool_id);
      continue;
    }
    out.set(u.address, { address: u.address, pools: [u.pool_id], weight: u.weight, backup: u.backup === 1, state: u.state, max_requests: u.max_requests ?? 0 });
  }
  return out;
}

/**
 * GET /reverse_proxy/upstreams: Caddy's three fields first (`address`, `num_requests` =
 * in-flight requests summed over workers, `fails` = passive failures summed), then ours. An
 * address removed from the config stays listed while any worker still has requests or
 * upgraded connections on it, so a drain can be watched to the end (Caddy >= 2.11.2 does too).
 */
export function aggregateUpstreams(config: unknown, workers: readonly { id: string; stats: readonly UpstreamStats[] }[]): UpstreamStatus[] {
  const configured = configuredUpstreams(config);
  const live = new Map<string, { in_flight: number; upgraded: number; fails: number; requests: number; fails_total: number; unhealthy: number; reporting: number; checked: number; by_worker: { worker: string; in_flight: number; upgraded: number }[] }>();
  for (const w of workers) {
    for (const s of w.stats) {
      let a = live.get(s.address);
      if (!a) live.set(s.address, (a = { in_flight: 0, upgraded: 0, fails: 0, requests: 0, fails_total: 0, unhealthy: 0, reporting: 0, checked: 0, by_worker: [] }));
      a.by_worker.push({ worker: w.id, in_flight: s.in_flight, upgraded: s.upgraded });
      a.in_flight += s.in_flight;
      a.upgraded += s.upgraded;
      a.fails += s.fails;
      a.requests += s.requests;
      a.fails_total += s.fails_total;
      a.reporting++;
      if (!s.healthy) a.unhealthy++;
      if (s['checked'] === true) a.checked++;
    }
  }
  const out: UpstreamStatus[] = [];
  for (const c of configured.values()) {
    const l = live.get(c.address);
    out.push({
      address: c.address,
      num_requests: l?.in_flight ?? 0,
      fails: l?.fails ?? 0,
      healthy: l ? l.unhealthy === 0 : true,
      health_checked: l ? l.checked > 0 && l.checked === l.reporting : false,
      weight: c.weight,
      backup: c.backup,
      state: c.state,
      max_requests: c.max_requests,
      pools: c.pools,
      upgraded: l?.upgraded ?? 0,
      requests_total: l?.requests ?? 0,
      fails_total: l?.fails_total ?? 0,
      workers: l?.reporting ?? 0,
      by_worker: l?.by_worker ?? [],
      in_config: true,
    });
  }
  for (const [address, l] of live) {
    if (configured.has(address) || (l.in_flight === 0 && l.upgraded === 0)) continue;
    out.push({
      address, num_requests: l.in_flight, fails: l.fails, healthy: l.unhealthy === 0, weight: 0, backup: false, state: 'removed',
      max_requests: 0, pools: [], upgraded: l.upgraded, requests_total: l.requests, fails_total: l.fails_total, workers: l.reporting, by_worker: l.by_worker, in_config: false,
    });
  }
  return out;
}
