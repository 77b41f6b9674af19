import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEqual, jsonSize } from './json';

describe('jsonEqual', () => {
  test('compares structurally, ignoring key order and undefined members', () => {
    assert.ok(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] }));
    assert.ok(jsonEqual({ a: 1, u: undefined }, { a: 1 }));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!jsonEqual([1, 2], [2, 1]));
    assert.ok(!jsonEqual([], {}));
    assert.ok(!jsonEqual({ 0: 1 }, [1]));
    assert.ok(!jsonEqual(null, {}));
    assert.ok(!jsonEqual(1, '1'));
  });
});

describe('jsonSize', () => {
  test('equals the JSON.stringify length for values without escapes', () => {
    for (const v of [{}, [], { a: 1 }, [1, 2], { a: [1, { b: 'x' }], c: null, d: true }, [[], {}], 'x', 2392.5200000000004, -0.5, false]) {
      assert.equal(jsonSize(v), JSON.stringify(v).length, JSON.stringify(v));
    }
  });

  test('stops measuring once past the limit', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => ({ dial: `10.0.0.1:${i}` }));
    const size = jsonSize(big, 100);
    assert.ok(size > 100 && size < 200, String(size));
  });
});
