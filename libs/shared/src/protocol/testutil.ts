/**
 * Seeded random JSON for the property tests of diff/applyPatch; not used at run time.
 * Keys never include `__proto__` (patch.test.ts covers it), so plain assignment is safe here.
 */

/** A small seeded PRNG (mulberry32): the same seed yields the same sequence on every run. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

// A small key pool makes prev and next share keys; some need pointer escaping.
const KEYS = ['a', 'b', 'dial', 'weight', 'routes', 'x/y', 'm~n', '~1', '', '0', 'é', '<&>'];
const STRINGS = ['', 'a', '127.0.0.1:9001', 'slash/and~tilde', '<b>&', 'ü\u2028', '0'];

function primitive(rnd: Rnd): unknown {
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return Math.floor(rnd() * 10);
    case 3:
      return Math.round(rnd() * 1e6) / 100 - 5000;
    default:
      return pick(rnd, STRINGS);
  }
}

/** A random JSON value of at most `depth` nesting levels, often an array of similar records. */
export function randomJson(rnd: Rnd, depth = 4): unknown {
  const r = rnd();
  if (depth <= 0 || r < 0.3) return primitive(rnd);
  if (r < 0.5) {
    // Array of upstream-like records: the shape configs are made of.
    return Array.from({ length: Math.floor(rnd() * 8) }, (_, i) => ({ dial: `10.0.0.${i}:80`, weight: Math.floor(rnd() * 3) }));
  }
  if (r < 0.75) return Array.from({ length: Math.floor(rnd() * 6) }, () => randomJson(rnd, depth - 1));
  const obj: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) obj[pick(rnd, KEYS)] = randomJson(rnd, depth - 1);
  return obj;
}

/** A copy of `v` with a few random edits: changed leaves, inserted/removed/moved items, type changes. */
export function mutate(rnd: Rnd, v: unknown, depth = 4): unknown {
  if (rnd() < 0.1) return randomJson(rnd, Math.max(depth - 1, 0));
  if (Array.isArray(v)) {
    const out = v.map((x) => (rnd() < 0.3 ? mutate(rnd, x, depth - 1) : x));
    const edits = Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * (out.length + 1));
      const what = rnd();
      if (what < 0.4) out.splice(at, 0, randomJson(rnd, depth - 1));
      else if (what < 0.7 && out.length > 0) out.splice(Math.min(at, out.length - 1), 1);
      else if (out.length > 1) out.splice(at, 0, out.splice(Math.floor(rnd() * out.length), 1)[0]);
    }
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = rnd();
      if (r < 0.15) continue;
      out[k] = r < 0.5 ? mutate(rnd, x, depth - 1) : x;
    }
    if (rnd() < 0.3) out[pick(rnd, KEYS)] = randomJson(rnd, depth - 1);
    return out;
  }
  return rnd() < 0.5 ? primitive(rnd) : v;
}
