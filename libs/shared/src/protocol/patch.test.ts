import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, PatchError, type Patch } from './patch';
import { formatPointer, parsePointer } from './pointer';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

function rejects(doc: unknown, patch: Patch, path: string, index = 0): void {
  assert.throws(
    () => applyPatch(doc, patch),
    (err: unknown) => err instanceof PatchError && err.path === path && err.index === index,
  );
}

describe('JSON pointers (RFC 6901)', () => {
  test('escape ~ and / and round-trip through parse', () => {
    const tokens = ['a/b', 'c~d', '~1', '', '0'];
    const p = formatPointer(tokens);
    assert.equal(p, '/a~1b/c~0d/~01//0');
    assert.deepEqual(parsePointer(p), tokens);
    assert.deepEqual(parsePointer(''), []);
  });

  test('reject strings that are not pointers', () => {
    assert.equal(parsePointer('a/b'), null);
    assert.equal(parsePointer('/a~2'), null);
    assert.equal(parsePointer('/a~'), null);
  });
});

describe('applyPatch', () => {
  const doc = deepFreeze({ a: { b: [1, 2, 3] }, s: 'x', keep: { deep: [{ x: 1 }] } });

  test('applies add/remove/replace in order on objects and arrays', () => {
    const out = applyPatch(doc, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 4 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/s', value: null },
      { op: 'add', path: '/n', value: { m: true } },
      { op: 'add', path: '/n/o', value: [] },
    ]);
    assert.deepEqual(out, { a: { b: [9, 2, 3, 4] }, s: null, keep: { deep: [{ x: 1 }] }, n: { m: true, o: [] } });
  });

  test('never mutates its inputs and shares untouched subtrees', () => {
    const added = deepFreeze({ inner: [1] });
    const patch = deepFreeze<Patch>([
      { op: 'add', path: '/added', value: added },
      { op: 'add', path: '/added/inner/-', value: 2 },
    ]);
    const out = applyPatch(doc, patch) as typeof doc & { added: { inner: number[] } };
    assert.deepEqual(out.added, { inner: [1, 2] });
    assert.deepEqual(added, { inner: [1] });
    assert.equal(out.keep, doc.keep);
    assert.equal(out.a, doc.a);
    assert.notEqual(out, doc);
  });

  test('add on an existing member replaces it; an empty path replaces the document', () => {
    assert.deepEqual(applyPatch({ a: 1 }, [{ op: 'add', path: '/a', value: 2 }]), { a: 2 });
    assert.equal(applyPatch({ a: 1 }, [{ op: 'replace', path: '', value: 7 }]), 7);
    assert.deepEqual(applyPatch(null, [{ op: 'add', path: '', value: [1] }]), [1]);
    assert.deepEqual(applyPatch(doc, []), doc);
  });

  test('keys named __proto__ stay data and do not touch the prototype', () => {
    const src = JSON.parse('{"__proto__":{"polluted":1},"a":1}') as Record<string, unknown>;
    const out = applyPatch(src, [
      { op: 'replace', path: '/__proto__', value: { polluted: 2 } },
      { op: 'add', path: '/__proto__/more', value: 3 },
    ]) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: 2, more: 3 });
    const added = applyPatch({}, [{ op: 'add', path: '/__proto__', value: { x: 1 } }]) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(added), Object.prototype);
    assert.deepEqual(Object.keys(added), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('throws PatchError with the path and position of the op that does not apply', () => {
    rejects(doc, [{ op: 'add', path: '/missing/x', value: 1 }], '/missing/x');
    rejects(doc, [{ op: 'remove', path: '/missing' }], '/missing');
    rejects(doc, [{ op: 'replace', path: '/missing', value: 1 }], '/missing');
    rejects(doc, [{ op: 'add', path: '/a/b/4', value: 1 }], '/a/b/4');
    rejects(doc, [{ op: 'remove', path: '/a/b/3' }], '/a/b/3');
    rejects(doc, [{ op: 'remove', path: '/a/b/-' }], '/a/b/-');
    rejects(doc, [{ op: 'replace', path: '/a/b/01', value: 1 }], '/a/b/01');
    rejects(doc, [{ op: 'add', path: '/s/x', value: 1 }], '/s/x');
    rejects(doc, [{ op: 'remove', path: '' }], '');
    rejects(doc, [{ op: 'add', path: 'a', value: 1 }], 'a');
    rejects(doc, [{ op: 'move', path: '/a' } as unknown as Patch[number]], '/a');
    rejects(doc, [{ op: 'add', path: '/z' } as unknown as Patch[number]], '/z');
    rejects(doc, [{ op: 'add', path: '/z', value: 1 }, { op: 'remove', path: '/y' }], '/y', 1);
  });

  test('a failed patch leaves the input untouched', () => {
    const before = JSON.stringify(doc);
    assert.throws(() => applyPatch(doc, [{ op: 'remove', path: '/a/b/0' }, { op: 'remove', path: '/nope' }]), PatchError);
    assert.equal(JSON.stringify(doc), before);
  });
});
