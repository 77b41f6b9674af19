import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/**
 * `least_conn`: the eligible candidate with the fewest in-flight requests per unit of weight
 * (nginx's weighted least_conn; Caddy compares raw counts, which is the same when weights are
 * equal). Ties are broken at random in proportion to weight, so an idle pool still honours
 * weights. One pass; a random number is drawn only on a tie.
 */
export class LeastConnPolicy implements SelectionPolicy {
  readonly name = 'least_conn';

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    let best: C | null = null;
    let bestLoad = Infinity;
    let tieWeight = 0;
    for (let i = 0; i < pool.length; i++) {
      const c = pool[i]!;
      if (!eligible(c)) continue;
      const l = c.inFlight / c.weight;
      if (l < bestLoad) {
        best = c;
        bestLoad = l;
        tieWeight = c.weight;
      } else if (l === bestLoad) {
        // Weighted reservoir over the tied candidates.
        tieWeight += c.weight;
        if (Math.random() * tieWeight < c.weight) best = c;
      }
    }
    return best === null ? null : { candidate: best };
  }
}

/** Factory for `{"policy": "least_conn"}`. */
export function createLeastConn(): SelectionPolicy {
  return new LeastConnPolicy();
}
