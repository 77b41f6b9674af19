import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/**
 * `random`: one eligible candidate with probability weight / total weight (uniform when all
 * weights are equal, which is Caddy's reservoir pick). Two passes, one random number.
 */
export class RandomPolicy implements SelectionPolicy {
  readonly name = 'random';

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    const c = pickWeighted(pool);
    return c === null ? null : { candidate: c };
  }
}

/** Weighted random pick over the eligible candidates of `pool`; null when none. */
export function pickWeighted<C extends Candidate>(pool: readonly C[]): C | null {
  let total = 0;
  for (let i = 0; i < pool.length; i++) {
    const c = pool[i]!;
    if (eligible(c)) total += c.weight;
  }
  if (total === 0) return null;
  let r = Math.random() * total;
  let last: C | null = null;
  for (let i = 0; i < pool.length; i++) {
    const c = pool[i]!;
    if (!eligible(c)) continue;
    r -= c.weight;
    if (r < 0) return c;
    last = c;
  }
  // Floating-point rounding can leave r at ~0 after the last subtraction.
  return last;
}

/** Factory for `{"policy": "random"}`. */
export function createRandom(): SelectionPolicy {
  return new RandomPolicy();
}
