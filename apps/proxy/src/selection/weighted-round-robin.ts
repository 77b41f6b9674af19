import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/**
 * `weighted_round_robin`, smooth (nginx's algorithm, not Caddy's runs): every pick adds each
 * eligible candidate's weight to its running score, takes the highest score and subtracts the
 * total from it. Weights 5,1,1 give a a b a c a a; over any window of sum(weights) picks each
 * candidate gets exactly its weight.
 *
 * `Candidate.weight` is the effective weight (the runtime maps the config's `weights[i]` and
 * slow start into it), so the config array is not read here. Scores are kept per pool
 * position and reset when the address at a position changes, so a new pool array per request
 * is fine; an ineligible candidate's score is frozen until it returns.
 */
export class WeightedRoundRobinPolicy implements SelectionPolicy {
  readonly name = 'weighted_round_robin';
  private scores = new Float64Array(0);
  private addresses: string[] = [];

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    const n = pool.length;
    if (n !== this.addresses.length) {
      this.scores = new Float64Array(n);
      this.addresses = new Array<string>(n).fill('');
    }
    const scores = this.scores;
    let total = 0;
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      const c = pool[i]!;
      if (this.addresses[i] !== c.address) {
        this.addresses[i] = c.address;
        scores[i] = 0;
      }
      if (!eligible(c)) continue;
      const s = (scores[i] = scores[i]! + c.weight);
      total += c.weight;
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    if (best < 0) return null;
    scores[best] = scores[best]! - total;
    return { candidate: pool[best]! };
  }
}

/** Factory for `{"policy": "weighted_round_robin", "weights": [...]}`. */
export function createWeightedRoundRobin(): SelectionPolicy {
  return new WeightedRoundRobinPolicy();
}
