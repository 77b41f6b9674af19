import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJSON } from '../canonical';
import { diff } from './diff';
import { applyPatch, type Patch } from './patch';
import { mulberry32, mutate, randomJson } from './testutil';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function roundTrips(prev: unknown, next: unknown, label = ''): Patch {
  const patch = diff(prev, next);
  // What the worker sees: the patch after a trip through a text frame.
  const wire = JSON.parse(JSON.stringify(patch)) as Patch;
  assert.deepEqual(wire, patch, `${label} patch survives JSON`);
  assert.deepEqual(applyPatch(prev, wire), next, label);
  return patch;
}

function upstreams(n: number): Array<{ dial: string; weight: number }> {
  return Array.from({ length: n }, (_, i) => ({ dial: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`, weight: 1 + (i % 5) }));
}

function configWith(ups: unknown[]): unknown {
  return { apps: { http: { servers: { lb: { listen: [':8080'], routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: ups }] }] } } } } };
}
const UPS = '/apps/http/servers/lb/routes/0/handle/0/upstreams';

describe('diff: applyPatch(prev, diff(prev, next)) equals next', () => {
  test('for 2,000 seeded random pairs of JSON values, related and unrelated', () => {
    const rnd = mulberry32(20240611);
    for (let run = 0; run < 2000; run++) {
      const prev = deepFreeze(randomJson(rnd, 5));
      const next = rnd() < 0.8 ? mutate(rnd, prev, 5) : randomJson(rnd, 5);
      const before = JSON.stringify(prev);
      const patch = roundTrips(prev, next, `run ${run}`);
      assert.equal(JSON.stringify(prev), before, 'prev is not mutated');
      assert.equal(patch.length === 0, canonicalJSON(prev) === canonicalJSON(next), 'empty exactly when equal');
      assert.deepEqual(diff(prev, clone(prev)), [], 'a deep copy has no diff');
    }
  });

  test('for type changes, null and the whole document', () => {
    const cases: Array<[unknown, unknown]> = [
      [null, {}],
      [{}, null],
      [[1], { 0: 1 }],
      [{ a: [1] }, { a: { 0: 1 } }],
      [{ a: null }, { a: 0 }],
      [1, '1'],
      [[null], [[]]],
    ];
    for (const [prev, next] of cases) roundTrips(prev, next, JSON.stringify([prev, next]));
    assert.deepEqual(diff({ a: undefined, b: 1 }, { b: 1, c: undefined }), []);
    assert.deepEqual(diff(5, [5]), [{ op: 'replace', path: '', value: [5] }]);
  });

  test('escapes ~ and / in member names', () => {
    const big = { listen: ['127.0.0.1:8080', '127.0.0.1:8081', '127.0.0.1:8082'] };
    assert.deepEqual(diff({ 'a/b': 1, big }, { 'a/b': 2, 'c~d': 3, big }), [
      { op: 'replace', path: '/a~1b', value: 2 },
      { op: 'add', path: '/c~0d', value: 3 },
    ]);
  });

  test('replaces a container wholesale when that is smaller than its ops', () => {
    assert.deepEqual(diff({ a: { x: 1, y: 2 } }, { a: { z: 3, w: 4 } }), [{ op: 'replace', path: '/a', value: { z: 3, w: 4 } }]);
  });

  test('ignores key order', () => {
    assert.deepEqual(diff({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }), []);
  });
});

describe('diff: patches stay small on large configs', () => {
  const prevUps = deepFreeze(upstreams(10_000));
  const prev = deepFreeze(configWith(prevUps));

  test("one upstream's weight change in 10,000 is one op of a few hundred bytes", () => {
    const ups = clone(prevUps);
    ups[6123].weight = 42;
    const patch = roundTrips(prev, configWith(ups));
    assert.deepEqual(patch, [{ op: 'replace', path: `${UPS}/6123/weight`, value: 42 }]);
    assert.ok(JSON.stringify(patch).length < 300);
  });

  test('inserting one upstream in the middle is one add, not a rewrite of the tail', () => {
    const ups = clone(prevUps);
    ups.splice(5000, 0, { dial: '192.168.0.1:80', weight: 1 });
    assert.deepEqual(roundTrips(prev, configWith(ups)), [{ op: 'add', path: `${UPS}/5000`, value: { dial: '192.168.0.1:80', weight: 1 } }]);
  });

  test('removing one upstream from the middle is one remove', () => {
    const ups = clone(prevUps);
    ups.splice(4321, 1);
    assert.deepEqual(roundTrips(prev, configWith(ups)), [{ op: 'remove', path: `${UPS}/4321` }]);
  });

  test('an insertion near the start plus edits near the end stay a handful of ops', () => {
    const ups = clone(prevUps);
    ups.splice(10, 0, { dial: '192.168.0.1:80', weight: 1 });
    ups.splice(9000, 1);
    ups[9500].weight = 9;
    const patch = roundTrips(prev, configWith(ups));
    assert.deepEqual(patch, [
      { op: 'add', path: `${UPS}/10`, value: { dial: '192.168.0.1:80', weight: 1 } },
      { op: 'remove', path: `${UPS}/9000` },
      { op: 'replace', path: `${UPS}/9500/weight`, value: 9 },
    ]);
  });

  test('when every element changed, the array is replaced wholesale (smaller than per-element ops)', () => {
    const ups = prevUps.map((u) => ({ ...u, weight: u.weight + 1 }));
    const patch = roundTrips(prev, configWith(ups));
    assert.equal(patch.length, 1);
    assert.equal(patch[0].op, 'replace');
    assert.equal(patch[0].path, UPS);
  });

  test('a reversed 10,000-element array is replaced wholesale', () => {
    const patch = roundTrips(prevUps, prevUps.slice().reverse());
    assert.equal(patch.length, 1);
    assert.equal(patch[0].path, '');
  });

  test('diffing 10,000 upstreams is linear-time (well under a second per diff)', () => {
    const copies = [clone(prev), configWith(upstreams(10_001)), configWith(prevUps.slice(1))];
    const t0 = process.hrtime.bigint();
    for (const next of copies) diff(prev, next);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  });
});
