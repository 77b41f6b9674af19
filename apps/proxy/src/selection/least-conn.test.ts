import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, countPicks } from './fixtures';
import { createLeastConn } from './least-conn';
import { createRandomChoose } from './random-choose';

test('least_conn: picks the candidate with the fewest in-flight requests', () => {
  const pool = [cand('a:1', { inFlight: 5 }), cand('b:1', { inFlight: 2 }), cand('c:1', { inFlight: 9 })];
  assert.deepEqual(countPicks(createLeastConn(), pool, 200), new Map([['b:1', 200]]));
});

test('least_conn: compares in-flight per unit of weight', () => {
  // 4/2 = 2 beats 3/1 = 3
  const pool = [cand('a:1', { inFlight: 3 }), cand('b:1', { inFlight: 4, weight: 2 })];
  assert.deepEqual(countPicks(createLeastConn(), pool, 100), new Map([['b:1', 100]]));
});

test('least_conn: ties are broken at random among the tied candidates only', () => {
  const pool = [cand('a:1', { inFlight: 1 }), cand('b:1', { inFlight: 3 }), cand('c:1', { inFlight: 1 })];
  const counts = countPicks(createLeastConn(), pool, 2000);
  assert.equal(counts.get('b:1'), undefined);
  assert.ok(counts.get('a:1')! > 850 && counts.get('c:1')! > 850, JSON.stringify([...counts]));
});

test('least_conn: a busy candidate stops receiving until the others catch up', () => {
  // Simulate load that never completes: least_conn must fill candidates evenly.
  const inFlight = [7, 0, 0];
  const p = createLeastConn();
  for (let i = 0; i < 14; i++) {
    const pool = inFlight.map((n, j) => cand(`h${j}:1`, { inFlight: n }));
    const j = Number(p.select(pool, undefined as never)!.candidate.address[1]);
    inFlight[j]!++;
  }
  assert.deepEqual(inFlight, [7, 7, 7]);
});

test('random_choose: with choose >= eligible count it always takes the least loaded', () => {
  const pool = [cand('a:1', { inFlight: 4 }), cand('b:1', { inFlight: 1 }), cand('c:1', { inFlight: 2 })];
  assert.deepEqual(countPicks(createRandomChoose(3), pool, 300), new Map([['b:1', 300]]));
  assert.deepEqual(countPicks(createRandomChoose(10), pool, 300), new Map([['b:1', 300]]));
});

test('random_choose: with choose 2 the idle one wins whenever it is sampled (2 of 3 pairs)', () => {
  const pool = [cand('a:1'), cand('b:1', { inFlight: 10 }), cand('c:1', { inFlight: 10 })];
  const share = countPicks(createRandomChoose(2), pool, 6000).get('a:1')! / 6000;
  assert.ok(Math.abs(share - 2 / 3) < 0.04, `share ${share}`);
});

test('random_choose: choose 1 ignores load (plain random)', () => {
  const pool = [cand('a:1'), cand('b:1', { inFlight: 100 })];
  const share = countPicks(createRandomChoose(1), pool, 4000).get('b:1')! / 4000;
  assert.ok(Math.abs(share - 0.5) < 0.05, `share ${share}`);
});
