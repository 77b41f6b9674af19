import { eligible } from './eligible';
import type { Candidate, Selection, SelectionPolicy } from './types';

/** Latency assumed when neither of the two sampled candidates has a measurement yet. */
export const DEFAULT_LATENCY_MS = 1;

/**
 * `least_latency` (Switchyard extension): power of two choices on peak-EWMA cost, as in
 * Finagle and Linkerd. Two distinct eligible candidates are drawn at random and the cheaper
 * wins, cost = latency * (inFlight + 1) / weight. A slow upstream loses almost every
 * comparison at once (the EWMA is peak-sensitive), yet a recovering one keeps being sampled.
 *
 * A candidate without a measurement (latencyEwma 0) is costed at its rival's latency, not at a
 * small constant: otherwise every new or recovered upstream would look infinitely fast and be
 * flooded until its first responses came back.
 */
export class LeastLatencyPolicy implements SelectionPolicy {
  readonly name = 'least_latency';

  select<C extends Candidate>(pool: readonly C[]): Selection<C> | null {
    let m = 0;
    for (let i = 0; i < pool.length; i++) if (eligible(pool[i]!)) m++;
    if (m === 0) return null;
    if (m === 1) return { candidate: nthEligible(pool, 0) };
    const ia = Math.floor(Math.random() * m);
    let ib = Math.floor(Math.random() * (m - 1));
    if (ib >= ia) ib++;
    let a: C | null = null;
    let b: C | null = null;
    for (let i = 0, e = 0; i < pool.length && (a === null || b === null); i++) {
      const c = pool[i]!;
      if (!eligible(c)) continue;
      if (e === ia) a = c;
      else if (e === ib) b = c;
      e++;
    }
    // `a` is the randomly first-drawn one, so preferring it on a tie stays uniform.
    const la = a!.latencyEwma || b!.latencyEwma || DEFAULT_LATENCY_MS;
    const lb = b!.latencyEwma || la;
    const costA = (la * (a!.inFlight + 1)) / a!.weight;
    const costB = (lb * (b!.inFlight + 1)) / b!.weight;
    return { candidate: costB < costA ? b! : a! };
  }
}

function nthEligible<C extends Candidate>(pool: readonly C[], n: number): C {
  for (let i = 0, e = 0; i < pool.length; i++) {
    const c = pool[i]!;
    if (eligible(c) && e++ === n) return c;
  }
  throw new Error('unreachable: fewer eligible candidates than counted');
}

/** Factory for `{"policy": "least_latency"}`. */
export function createLeastLatency(): SelectionPolicy {
  return new LeastLatencyPolicy();
}
