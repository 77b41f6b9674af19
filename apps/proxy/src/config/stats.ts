import type { UpstreamStats } from '@switchyard/shared';
import type { ProxyWorker } from '../runtime/worker';

/** Snapshot of every known host's live counters, in the protocol's stats shape. */
export function collectStats(worker: ProxyWorker): UpstreamStats[] {
  return worker.registry.all().map((h) => ({
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
  }));
}
