import type { StatsMessage, UpstreamStats } from '@switchyard/shared';
import type { ConfigPublisher } from '../hub/types';
import type { WorkerSample } from './progress';

/** What one worker cut on `close_upstream`. */
export interface ClosedOnWorker {
  node: string;
  requests: number;
  upgraded: number;
}

/**
 * The part of the config hub (hub/hub.ts) drains rely on: who is connected, their stats as
 * they arrive, and the two requests a drain makes of workers. `requestStats` and
 * `closeUpstream` are optional so an older hub still drains (it then waits for the periodic
 * stats, and cannot cut connections on timeout).
 */
export interface DrainHub {
  workerStats(): readonly { id: string; stats: readonly UpstreamStats[] }[];
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  requestStats?(timeoutMs: number): Promise<void>;
  closeUpstream?(address: string, timeoutMs: number): Promise<ClosedOnWorker[]>;
}

/** The publisher as a DrainHub when it is one (the ConfigHub), else undefined (no proxy nodes). */
export function asDrainHub(p: ConfigPublisher): DrainHub | undefined {
  const h = p as Partial<DrainHub>;
  return typeof h.workerStats === 'function' && typeof h.on === 'function' && typeof h.off === 'function' ? (p as unknown as DrainHub) : undefined;
}

/** Live counters of one address summed over the workers reporting it. */
export interface AddressLive {
  healthy: boolean;
  in_flight: number;
  upgraded: number;
  workers: number;
}

/**
 * Follows the hub's `stats` events and keeps, per worker, the latest stats together with the
 * revision the worker was serving when it sent them: that revision is what lets a drain tell
 * stale "idle" reports (sent before the worker stopped picking the address) from real ones.
 */
export class LiveStats {
  readonly samples = new Map<string, WorkerSample>();
  private readonly onStats = (id: string, msg: StatsMessage) => {
    this.samples.set(id, { revision: typeof msg?.revision === 'number' ? msg.revision : null, upstreams: Array.isArray(msg?.upstreams) ? msg.upstreams : [] });
    this.listener?.(id);
  };

  constructor(
    readonly hub: DrainHub | undefined,
    private readonly listener?: (node: string) => void,
  ) {
    hub?.on('stats', this.onStats);
  }

  /** Ids of the connected workers. */
  connected(): string[] {
    return this.hub ? this.hub.workerStats().map((w) => w.id) : [];
  }

  /** Addresses some connected worker reports unhealthy. */
  unhealthy(): Set<string> {
    const out = new Set<string>();
    for (const w of this.hub?.workerStats() ?? []) for (const s of w.stats) if (!s.healthy) out.add(s.address);
    return out;
  }

  /** Per-address live counters over the connected workers. */
  byAddress(): Map<string, AddressLive> {
    const out = new Map<string, AddressLive>();
    for (const w of this.hub?.workerStats() ?? []) {
      for (const s of w.stats) {
        let a = out.get(s.address);
        if (!a) out.set(s.address, (a = { healthy: true, in_flight: 0, upgraded: 0, workers: 0 }));
        a.in_flight += s.in_flight;
        a.upgraded += s.upgraded;
        a.workers++;
        if (!s.healthy) a.healthy = false;
      }
    }
    return out;
  }

  /** Ask every worker for fresh stats (no-op without a hub that supports it). */
  async refresh(timeoutMs: number): Promise<void> {
    if (this.hub?.requestStats) await this.hub.requestStats(timeoutMs).catch(() => undefined);
  }

  close(): void {
    this.hub?.off('stats', this.onStats);
  }
}
