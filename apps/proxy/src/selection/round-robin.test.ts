import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, countPicks, makePool, sequence } from './fixtures';
import { createRoundRobin } from './round-robin';

const [A, B, C] = ['u1:1', 'u2:1', 'u3:1'];

test('round_robin: the first pick is index 1, then it cycles (u2, u3, u1, ... as Caddy)', () => {
  const pool = [cand(A), cand(B), cand(C)];
  assert.deepEqual(sequence(createRoundRobin(), pool, 7), [B, C, A, B, C, A, B]);
});

test('round_robin: a new instance (config swap) restarts at index 1', () => {
  const pool = [cand(A), cand(B), cand(C)];
  const p = createRoundRobin();
  sequence(p, pool, 2);
  assert.deepEqual(sequence(createRoundRobin(), pool, 1), [B]);
});

test('round_robin: a skipped candidate advances the counter, as in Caddy', () => {
  // counter 1 -> u2 unavailable -> 2 -> u3; 3 -> u1; 4 -> u2 skip -> 5 -> u3; 6 -> u1
  const pool = [cand(A), cand(B, { available: false }), cand(C)];
  assert.deepEqual(sequence(createRoundRobin(), pool, 4), [C, A, C, A]);
  const zero = [cand(A), cand(B, { weight: 0 }), cand(C)];
  assert.deepEqual(sequence(createRoundRobin(), zero, 4), [C, A, C, A]);
});

test('round_robin: equal shares exactly, whatever the positive weights', () => {
  const pool = [cand(A, { weight: 5 }), cand(B, { weight: 1 }), cand(C, { weight: 2 })];
  assert.deepEqual(countPicks(createRoundRobin(), pool, 3000), new Map([[A, 1000], [B, 1000], [C, 1000]]));
});

test('round_robin: keeps cycling when the pool shrinks between calls', () => {
  const p = createRoundRobin();
  sequence(p, makePool(3), 5);
  const two = makePool(2);
  const s = sequence(p, two, 4);
  assert.equal(new Set(s).size, 2);
  assert.notEqual(s[0], s[1]);
});
