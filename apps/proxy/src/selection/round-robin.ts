import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/** Wrap well below 2^53 so the counter stays an exact integer forever. */
const WRAP = 2 ** 48;

/**
 * `round_robin`, exactly as Caddy: the counter is incremented before use (so the first pick
 * is index 1) and once more for every candidate skipped, at most n tries per request.
 * Weights are ignored except that weight 0 is skipped like an unavailable candidate; use
 * `weighted_round_robin` for proportional shares.
 */
export class RoundRobinPolicy implements SelectionPolicy {
  readonly name = 'round_robin';
  private counter = 0;

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    const n = pool.length;
    for (let tries = 0; tries < n; tries++) {
      this.counter = this.counter + 1 === WRAP ? 0 : this.counter + 1;
      const c = pool[this.counter % n]!;
      if (eligible(c)) return { candidate: c };
    }
    return null;
  }
}

/** Factory for `{"policy": "round_robin"}`; the cursor starts fresh with each instance. */
export function createRoundRobin(): SelectionPolicy {
  return new RoundRobinPolicy();
}
