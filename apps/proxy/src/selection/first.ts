import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/** `first`: the first eligible candidate in config order (failover ordering). */
export class FirstPolicy implements SelectionPolicy {
  readonly name = 'first';

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    for (let i = 0; i < pool.length; i++) {
      const c = pool[i]!;
      if (eligible(c)) return { candidate: c };
    }
    return null;
  }
}

/** Factory for `{"policy": "first"}`. */
export function createFirst(): SelectionPolicy {
  return new FirstPolicy();
}
