import { canonicalJSON } from '../canonical';
import { align, type Hunk } from './align';
import { hasOwn, isObject, jsonEqual, jsonSize, type JsonObject } from './json';
import type { Patch } from './patch';
import { escapeToken } from './pointer';

/** Above this many element insertions + deletions an array middle is diffed index by index. */
const MAX_ALIGN_EDITS = 64;
// Serialised size of each op's envelope plus its separating comma, e.g. `{"op":"add","path":"","value":},`.
const ADD = 31;
const REMOVE = 26;
const REPLACE = 35;

/**
 * The patch that turns `prev` into `next`: `applyPatch(prev, diff(prev, next))` deep-equals
 * `next` for any JSON values, and `diff(x, y)` is `[]` exactly when they are equal as JSON.
 * Pure and deterministic. Paths are RFC 6901; ops apply in order.
 *
 * Size over optimality: unchanged elements at both ends of an array are skipped in O(n), so a
 * point change, insertion or removal anywhere in a 10,000-element array yields one op. The
 * rest of an array is aligned with a bounded Myers diff (up to 64 edits), and any container
 * whose ops would serialise larger than the container itself is replaced wholesale.
 * Object members are emitted removals first, then additions and changes in `next`'s key order.
 */
export function diff(prev: unknown, next: unknown): Patch {
  const out: Patch = [];
  diffValue(prev, next, '', out);
  return out;
}

// Each diff* appends ops to `out` and returns their approximate serialised size, so a parent
// can weigh them against replacing itself without re-measuring the subtree.
function diffValue(prev: unknown, next: unknown, path: string, out: Patch): number {
  if (prev === next) return 0;
  const bothArrays = Array.isArray(prev) && Array.isArray(next);
  const bothObjects = !bothArrays && isObject(prev) && isObject(next);
  if (!bothArrays && !bothObjects) return replace(path, next, out);

  const start = out.length;
  const cost = bothArrays
    ? diffArray(prev as unknown[], next as unknown[], path, out)
    : diffObject(prev as JsonObject, next as JsonObject, path, out);
  if (out.length - start > 1) {
    // Measuring stops as soon as the replacement is known to be the larger one.
    const whole = REPLACE + path.length + jsonSize(next, cost);
    if (whole < cost) {
      out.length = start;
      out.push({ op: 'replace', path, value: next });
      return whole;
    }
  }
  return cost;
}

function replace(path: string, value: unknown, out: Patch): number {
  out.push({ op: 'replace', path, value });
  return REPLACE + path.length + jsonSize(value);
}

const present = (o: JsonObject, k: string): boolean => hasOwn(o, k) && o[k] !== undefined;

function diffObject(prev: JsonObject, next: JsonObject, path: string, out: Patch): number {
  let cost = 0;
  for (const k of Object.keys(prev)) {
    if (prev[k] === undefined || present(next, k)) continue;
    const p = path + '/' + escapeToken(k);
    out.push({ op: 'remove', path: p });
    cost += REMOVE + p.length;
  }
  for (const k of Object.keys(next)) {
    const value = next[k];
    if (value === undefined) continue;
    const p = path + '/' + escapeToken(k);
    if (present(prev, k)) {
      cost += diffValue(prev[k], value, p, out);
    } else {
      out.push({ op: 'add', path: p, value });
      cost += ADD + p.length + jsonSize(value);
    }
  }
  return cost;
}

function diffArray(prev: unknown[], next: unknown[], path: string, out: Patch): number {
  const n = prev.length;
  const m = next.length;
  const min = Math.min(n, m);
  let pre = 0;
  while (pre < min && jsonEqual(prev[pre], next[pre])) pre++;
  let suf = 0;
  while (suf < min - pre && jsonEqual(prev[n - 1 - suf], next[m - 1 - suf])) suf++;
  const del = n - pre - suf;
  const ins = m - pre - suf;
  if (del === 0 && ins === 0) return 0;

  // A lone changed element, or a pure insertion/removal, needs no alignment.
  const middle: Hunk = { a: pre, del, b: pre, ins };
  const hunks = del > 0 && ins > 0 && del + ins > 2 ? alignMiddle(prev, next, middle) : [middle];

  let cost = 0;
  let shift = 0; // index in the array being patched = index in prev + shift
  for (const h of hunks) {
    const at = h.a + shift;
    const pairs = Math.min(h.del, h.ins);
    for (let t = 0; t < pairs; t++) cost += diffValue(prev[h.a + t], next[h.b + t], path + '/' + (at + t), out);
    for (let t = pairs; t < h.del; t++) {
      const p = path + '/' + (at + pairs);
      out.push({ op: 'remove', path: p });
      cost += REMOVE + p.length;
    }
    for (let t = pairs; t < h.ins; t++) {
      const p = path + '/' + (at + t);
      const value = next[h.b + t];
      out.push({ op: 'add', path: p, value });
      cost += ADD + p.length + jsonSize(value);
    }
    shift += h.ins - h.del;
  }
  return cost;
}

// Aligns the differing middle of two arrays by element identity (canonical JSON), so that
// e.g. an insertion near the start plus a removal near the end stay two ops instead of
// shifting every element in between. Falls back to one index-by-index hunk.
function alignMiddle(prev: unknown[], next: unknown[], middle: Hunk): Hunk[] {
  if (Math.abs(middle.del - middle.ins) > MAX_ALIGN_EDITS) return [middle];
  const ids = new Map<string, number>();
  const idOf = (v: unknown): number => {
    const key = canonicalJSON(v);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const a = new Int32Array(middle.del);
  for (let i = 0; i < a.length; i++) a[i] = idOf(prev[middle.a + i]);
  const b = new Int32Array(middle.ins);
  for (let i = 0; i < b.length; i++) b[i] = idOf(next[middle.b + i]);
  const hunks = align(a, b, MAX_ALIGN_EDITS);
  if (hunks === null) return [middle];
  for (const h of hunks) {
    h.a += middle.a;
    h.b += middle.b;
  }
  return hunks;
}
