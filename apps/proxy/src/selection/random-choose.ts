import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/**
 * `random_choose`: sample `choose` distinct eligible candidates, keep the least loaded
 * (fewest inFlight per unit of weight). Caddy samples uniformly and compares raw counts; we
 * sample weighted (Efraimidis-Spirakis keys ln(u)/w, largest k win) so that, when loads tie,
 * the pick is still proportional to weight. With equal weights both agree.
 */
export class RandomChoosePolicy implements SelectionPolicy {
  readonly name = 'random_choose';
  // Scratch space reused on every call: select is synchronous, so no two calls overlap.
  private readonly keys: Float64Array;
  private readonly picks: Int32Array;

  constructor(readonly choose: number) {
    this.keys = new Float64Array(choose);
    this.picks = new Int32Array(choose);
  }

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    const { keys, picks, choose } = this;
    let k = 0;
    let minSlot = 0; // slot holding the smallest key once the sample is full
    for (let i = 0; i < pool.length; i++) {
      const c = pool[i]!;
      if (!eligible(c)) continue;
      // ln(u) / w is in (-inf, 0]; a larger key is more likely for a larger weight.
      const key = Math.log(1 - Math.random()) / c.weight;
      if (k < choose) {
        keys[k] = key;
        picks[k] = i;
        k++;
        if (k === choose) minSlot = argMin(keys, k);
      } else if (key > keys[minSlot]!) {
        keys[minSlot] = key;
        picks[minSlot] = i;
        minSlot = argMin(keys, k);
      }
    }
    if (k === 0) return null;
    let best = 0;
    let bestLoad = load(pool[picks[0]!]!);
    for (let s = 1; s < k; s++) {
      const l = load(pool[picks[s]!]!);
      if (l < bestLoad || (l === bestLoad && keys[s]! > keys[best]!)) {
        best = s;
        bestLoad = l;
      }
    }
    return { candidate: pool[picks[best]!]! };
  }
}

function load(c: Candidate): number {
  return c.inFlight / c.weight;
}

function argMin(a: Float64Array, n: number): number {
  let m = 0;
  for (let i = 1; i < n; i++) if (a[i]! < a[m]!) m = i;
  return m;
}

/** Factory for `{"policy": "random_choose", "choose": N}` (N >= 1, default 2). */
export function createRandomChoose(choose = 2): SelectionPolicy {
  return new RandomChoosePolicy(choose);
}
