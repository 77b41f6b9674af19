import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, countPicks, sequence } from './fixtures';
import { createWeightedRoundRobin } from './weighted-round-robin';

const [A, B, C] = ['u1:1', 'u2:1', 'u3:1'];

test('weighted_round_robin: weights 5,1,1 interleave smoothly: a a b a c a a', () => {
  const pool = [cand(A, { weight: 5 }), cand(B, { weight: 1 }), cand(C, { weight: 1 })];
  const once = [A, A, B, A, C, A, A];
  assert.deepEqual(sequence(createWeightedRoundRobin(), pool, 14), [...once, ...once]);
});

test('weighted_round_robin: every window of sum(weights) picks has exactly the weights', () => {
  const ws = [4, 3, 2, 0, 1];
  const pool = ws.map((w, i) => cand(`h${i}:1`, { weight: w }));
  const s = sequence(createWeightedRoundRobin(), pool, 100);
  for (let start = 0; start < 100; start += 10) {
    const window = s.slice(start, start + 10);
    ws.forEach((w, i) => assert.equal(window.filter((x) => x === `h${i}:1`).length, w, `window ${start}`));
  }
});

test('weighted_round_robin: a candidate leaving and returning does not break the others', () => {
  const p = createWeightedRoundRobin();
  const up = [cand(A, { weight: 2 }), cand(B, { weight: 1 }), cand(C, { weight: 1 })];
  const bDown = [up[0]!, cand(B, { weight: 1, available: false }), up[2]!];
  sequence(p, up, 3);
  // B's score is frozen while it is out, which may shift the others' shares by one pick.
  const during = sequence(p, bDown, 30);
  assert.ok(!during.includes(B));
  assert.ok(Math.abs(during.filter((x) => x === A).length - 20) <= 1);
  const after = sequence(p, up, 400);
  assert.ok(Math.abs(after.filter((x) => x === B).length - 100) <= 1);
  assert.deepEqual(countPicks(p, up, 400), new Map([[A, 200], [B, 100], [C, 100]]));
});

test('weighted_round_robin: state follows addresses, so a different pool at the same positions starts fresh', () => {
  const p = createWeightedRoundRobin();
  sequence(p, [cand(A, { weight: 5 }), cand(B, { weight: 1 }), cand(C, { weight: 1 })], 3);
  const other = [cand('x:1', { weight: 5 }), cand('y:1', { weight: 1 }), cand('z:1', { weight: 1 })];
  assert.deepEqual(sequence(p, other, 7), ['x:1', 'x:1', 'y:1', 'x:1', 'z:1', 'x:1', 'x:1']);
});

test('weighted_round_robin: fractional (slow-start) weights keep their proportions', () => {
  const pool = [cand(A, { weight: 0.25 }), cand(B, { weight: 1 })];
  const counts = countPicks(createWeightedRoundRobin(), pool, 1000);
  assert.equal(counts.get(A), 200);
  assert.equal(counts.get(B), 800);
});
