import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { align, type Hunk } from './align';
import { mulberry32 } from './testutil';

// Rebuilds b from a and the hunks: proves the hunks describe a valid edit script.
function replay(a: number[], b: number[], hunks: Hunk[]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const h of hunks) {
    while (i < h.a) out.push(a[i++]);
    out.push(...b.slice(h.b, h.b + h.ins));
    i += h.del;
  }
  while (i < a.length) out.push(a[i++]);
  return out;
}

// Insertions + deletions of a shortest edit script, by dynamic programming over the LCS.
function editDistance(a: number[], b: number[]): number {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      lcs[i][j] = a[i - 1] === b[j - 1] ? lcs[i - 1][j - 1] + 1 : Math.max(lcs[i - 1][j], lcs[i][j - 1]);
    }
  }
  return a.length + b.length - 2 * lcs[a.length][b.length];
}

describe('align (bounded Myers)', () => {
  test('finds a shortest edit script for random sequences', () => {
    const rnd = mulberry32(7);
    for (let run = 0; run < 500; run++) {
      const a = Array.from({ length: Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 4));
      const b = Array.from({ length: Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 4));
      const hunks = align(a, b, 64);
      assert.ok(hunks, 'within the edit bound');
      assert.deepEqual(replay(a, b, hunks), b);
      const edits = hunks.reduce((s, h) => s + h.del + h.ins, 0);
      assert.equal(edits, editDistance(a, b), `a=${a} b=${b}`);
    }
  });

  test('returns hunks for an insertion and a removal far apart', () => {
    const a = Array.from({ length: 1000 }, (_, i) => i);
    const b = [...a.slice(0, 10), -1, ...a.slice(10, 990), ...a.slice(991)];
    assert.deepEqual(align(a, b, 64), [
      { a: 10, del: 0, b: 10, ins: 1 },
      { a: 990, del: 1, b: 991, ins: 0 },
    ]);
  });

  test('gives up (null) beyond the edit bound', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const b = a.map((x) => x + 1000);
    assert.equal(align(a, b, 64), null);
    assert.equal(align([1, 2, 3], [], 2), null);
    assert.deepEqual(align([], [], 0), []);
  });
});
