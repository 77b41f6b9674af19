/**
 * The active health checker of one pool: probes every host at once on start, then every
 * `interval`, and flips `Host.activeHealthy` by the `passes`/`fails` thresholds.
 *
 * State is per address, not per pool: when two pools check the same address with different
 * settings, each result lands on the one shared `Host` and the last one written wins (Caddy
 * #7870 shows the same sharing; we accept it rather than keep per-pool health).
 */
import * as http from 'node:http';
import type { Host } from '../upstream/host';
import { activeHealthEnabled, compileActiveHealth, type ActiveHealthConfig } from './plan';
import { probe, type ProbeResult } from './probe';
import { recordActiveResult } from './thresholds';

export interface ActiveHealthOptions {
  /** Called after a host flipped; `reason` is the result that flipped it. */
  onTransition?: (address: string, healthy: boolean, reason: string) => void;
  /** Clock for `availableSince` (default `performance.now`). */
  now?: () => number;
}

/** A running checker; `stop()` is idempotent. */
export interface ActiveHealthChecker {
  stop(): void;
}

/**
 * Start checking `hosts` (a snapshot: a pool change means stop this checker and start another;
 * the streak counters live on `Host`, so they carry over). Probes of one host never overlap
 * (the next starts `interval` after the previous started, or at once if it took longer);
 * hosts are probed in parallel. Timers are unref'd. After `stop()` no probe starts, in-flight
 * probes are aborted, and no host state changes. Throws `ActiveHealthConfigError` for a config
 * it cannot run; returns an idle checker when neither `uri`, `path` nor `port` is set (Caddy).
 */
export function startActiveHealth(cfg: ActiveHealthConfig, hosts: readonly Host[], opts: ActiveHealthOptions = {}): ActiveHealthChecker {
  if (!activeHealthEnabled(cfg)) return { stop() {} };
  const plan = compileActiveHealth(cfg);
  const now = opts.now ?? (() => performance.now());
  // Own agent without keep-alive: a probe every `interval` gains nothing from an idle socket
  // the upstream may close under us, and each probe also proves the address still accepts.
  const agent = new http.Agent({ keepAlive: false });
  const cancel = new AbortController();
  const timers = new Map<Host, NodeJS.Timeout>();

  const settle = (host: Host, result: ProbeResult, started: number): void => {
    if (cancel.signal.aborted) return;
    if (recordActiveResult(host, result.ok, plan, now) && opts.onTransition) {
      try {
        opts.onTransition(host.address, result.ok, result.reason);
      } catch (e) {
        // A listener's bug must neither stop the checking nor crash the worker.
        process.emitWarning(`active health onTransition threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const wait = Math.max(0, plan.intervalMs - (performance.now() - started));
    const t = setTimeout(check, wait, host);
    t.unref();
    timers.set(host, t);
  };

  function check(host: Host): void {
    timers.delete(host);
    const started = performance.now();
    probe(plan, host.address, agent, cancel.signal).then(
      (r) => settle(host, r, started),
      (e: unknown) => settle(host, { ok: false, reason: String(e) }, started),
    );
  }

  for (const host of new Set(hosts)) check(host);
  return {
    stop() {
      if (cancel.signal.aborted) return;
      cancel.abort();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      agent.destroy();
    },
  };
}
