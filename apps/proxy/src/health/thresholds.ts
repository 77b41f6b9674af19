/**
 * How probe results move a host between healthy and unhealthy: `passes` consecutive successes
 * to come back, `fails` consecutive failures to go down.
 */
import type { Host } from '../upstream/host';

/** The two thresholds, both at least 1. */
export interface Thresholds {
  readonly passes: number;
  readonly fails: number;
}

/**
 * Fold one probe result into `host` and return true when `activeHealthy` flipped. The
 * counters hold the current streak: a pass clears the fail streak and vice versa, so
 * `fails: 3` means three failures in a row (Caddy 2.8 only clears them on a transition,
 * which lets scattered failures add up). A recovery stamps `availableSince` so slow start
 * ramps the host up again.
 */
export function recordActiveResult(host: Host, ok: boolean, t: Thresholds, now: () => number): boolean {
  if (ok) {
    host.activeFails = 0;
    host.activePasses++;
    if (host.activeHealthy || host.activePasses < t.passes) return false;
    host.activeHealthy = true;
    host.availableSince = now();
    return true;
  }
  host.activePasses = 0;
  host.activeFails++;
  if (!host.activeHealthy || host.activeFails < t.fails) return false;
  host.activeHealthy = false;
  return true;
}
