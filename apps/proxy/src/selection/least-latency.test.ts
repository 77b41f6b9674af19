import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, countPicks } from './fixtures';
import { createLeastLatency } from './least-latency';
import type { Candidate } from './types';

/**
 * Discrete-time load: `rate` requests arrive per ms, each holds its upstream for that
 * upstream's latency, and the policy sees live in-flight counts and the (already converged)
 * latency estimates. Returns the share of picks per upstream.
 */
function simulate(latencies: number[], rate: number, ms: number): number[] {
  const inFlight = latencies.map(() => 0);
  const picks = latencies.map(() => 0);
  const done: number[][] = []; // done[t] = upstream indexes finishing at t
  const policy = createLeastLatency();
  for (let t = 0; t < ms; t++) {
    for (const j of done[t] ?? []) inFlight[j]!--;
    for (let r = 0; r < rate; r++) {
      const pool: Candidate[] = latencies.map((l, j) => cand(`h${j}:1`, { latencyEwma: l, inFlight: inFlight[j]! }));
      const j = Number(policy.select(pool, undefined as never)!.candidate.address.slice(1, -2));
      inFlight[j]!++;
      picks[j]!++;
      (done[t + latencies[j]!] ??= []).push(j);
    }
  }
  const total = picks.reduce((a, b) => a + b, 0);
  return picks.map((p) => p / total);
}

test('least_latency: more than 80% of a 10x slower upstream\'s fair share moves away', () => {
  const shares = simulate([10, 10, 100], 3, 3000);
  assert.ok(shares[2]! < 0.2 / 3, `slow share ${shares[2]}`);
  assert.ok(shares[0]! > 0.4 && shares[1]! > 0.4, JSON.stringify(shares));
});

test('least_latency: equal upstreams share the load evenly under concurrency', () => {
  const shares = simulate([20, 20, 20, 20], 4, 2000);
  for (const s of shares) assert.ok(Math.abs(s - 0.25) < 0.03, JSON.stringify(shares));
});

test('least_latency: of two candidates the cheaper always wins', () => {
  const pool = [cand('slow:1', { latencyEwma: 100 }), cand('fast:1', { latencyEwma: 10 })];
  assert.deepEqual(countPicks(createLeastLatency(), pool, 200), new Map([['fast:1', 200]]));
  // cost = latency * (inFlight + 1) / weight: 10 * 12 = 120 > 100 * 1
  const busy = [cand('slow:1', { latencyEwma: 100 }), cand('fast:1', { latencyEwma: 10, inFlight: 11 })];
  assert.deepEqual(countPicks(createLeastLatency(), busy, 200), new Map([['slow:1', 200]]));
  // weight divides the cost: 100 / 20 = 5 < 10
  const heavy = [cand('slow:1', { latencyEwma: 100, weight: 20 }), cand('fast:1', { latencyEwma: 10 })];
  assert.deepEqual(countPicks(createLeastLatency(), heavy, 200), new Map([['slow:1', 200]]));
});

test('least_latency: an unmeasured upstream is costed at its rival latency, not flooded', () => {
  const pool = [cand('new:1', { latencyEwma: 0, inFlight: 5 }), cand('old:1', { latencyEwma: 50, inFlight: 0 })];
  // With a tiny default, "new" (cost 6 ms) would win; at the rival's 50 ms it costs 300 > 50.
  assert.deepEqual(countPicks(createLeastLatency(), pool, 200), new Map([['old:1', 200]]));
  const idle = [cand('new:1'), cand('old:1', { latencyEwma: 50 })];
  const share = countPicks(createLeastLatency(), idle, 4000).get('new:1')! / 4000;
  assert.ok(Math.abs(share - 0.5) < 0.05, `share ${share}`);
});
