import type { UpstreamStats } from '@switchyard/shared';
import type { Host } from '../upstream/host';
import type { ProxyWorker } from '../runtime/worker';

/**
 * Snapshot of the live counters of every host that has something to report, in the protocol's
 * stats shape (`checked`: an active health check has judged it). A host never used, never
 * checked and healthy is left out (the admin reads a missing address as
 * idle and healthy), so a pool of 10,000 mostly idle upstreams does not send megabytes of zeros
 * after every apply.
 */
export function collectStats(worker: ProxyWorker): UpstreamStats[] {
  const out: UpstreamStats[] = [];
  for (const h of worker.registry.all()) {
    if (pristine(h)) continue;
    out.push({
      address: h.address,
      in_flight: h.inFlight,
      upgraded: h.upgraded,
      requests: h.requests,
      fails: h.fails,
      fails_total: h.failsTotal,
      healthy: h.activeHealthy,
      latency_buckets: h.latencyBuckets.slice(),
      latency_sum_ms: h.latencySumMs,
      in_config: worker.registry.inConfig(h.address),
      checked: checked(h),
    });
  }
  return out;
}

/** An active health check has judged this host at least once (streak counters start at 0). */
function checked(h: Host): boolean {
  return h.activePasses + h.activeFails > 0;
}

function pristine(h: Host): boolean {
  return h.requests === 0 && h.inFlight === 0 && h.upgraded === 0 && h.failsTotal === 0 && h.activeHealthy && !checked(h);
}
