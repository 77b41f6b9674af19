import { createHash } from 'node:crypto';

/**
 * Canonical JSON and the hashes built on it.
 *
 * The canonical form is what Caddy 2.6.2 emits when it re-encodes its config with Go's
 * `encoding/json` (map keys sorted, no whitespace, HTML-safe escaping), so
 * `fnv1a32hex(canonicalJSON(v) + '\n')` reproduces Caddy's ETag hashes byte for byte.
 */

// JSON.stringify already escapes `"`, `\` and C0 controls; Go additionally escapes `<>&` and
// U+2028/U+2029, and (Go < 1.22, which built Caddy 2.6.2) writes \b and \f as \u0008/\u000c.
// Matching `\\.` first consumes every existing escape pair, so an escaped backslash followed
// by a literal `b` is never mistaken for `\b`.
const GO_ESCAPE = /\\.|[<>&\u2028\u2029]/g;
const GO_REPLACEMENTS: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
  '\\b': '\\u0008',
  '\\f': '\\u000c',
};
const NEEDS_GO_ESCAPE = /[<>&\u2028\u2029\b\f]/;

function goString(s: string): string {
  const quoted = JSON.stringify(s);
  if (!NEEDS_GO_ESCAPE.test(s)) return quoted;
  return quoted.replace(GO_ESCAPE, (m) => GO_REPLACEMENTS[m] ?? m);
}

function encode(value: unknown, stack: unknown[]): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return goString(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJSON: BigInt is not JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  if (stack.includes(value)) throw new TypeError('canonicalJSON: cyclic structure');
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    const parts = new Array<string>(value.length);
    for (let i = 0; i < value.length; i++) parts[i] = encode(value[i], stack) ?? 'null';
    out = '[' + parts.join(',') + ']';
  } else {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const v = encode(obj[key], stack);
      if (v !== undefined) parts.push(goString(key) + ':' + v);
    }
    out = '{' + parts.join(',') + '}';
  }
  stack.pop();
  return out;
}

/**
 * Go `encoding/json` rendering of a JSON value: object keys sorted (UTF-16 code-unit order,
 * identical to Go's byte order except between astral and U+E000..U+FFFF characters), no
 * whitespace, `<` `>` `&` U+2028 U+2029 escaped as `\u003c`-style sequences. Members that
 * JSON.stringify drops (undefined, functions) are dropped; a top-level `undefined` renders as
 * `null`, as Caddy renders a missing path. Equal JSON values always give equal strings,
 * whatever their key insertion order. Throws TypeError on cycles and BigInt.
 */
export function canonicalJSON(value: unknown): string {
  return encode(value, []) ?? 'null';
}

/**
 * FNV-1a 32-bit over the UTF-8 bytes of `s`, as 8 lowercase hex digits (zero-padded).
 *
 * Padding is deliberate: Caddy 2.6.2 formats `h.Sum(nil)` (a 4-byte slice) with `%x`, which
 * prints two digits per byte. Both reference vectors agree: `null\n` -> `0e7c22ea` and
 * `["127.0.0.1:18080"]\n` -> `7907ccdd`.
 */
export function fnv1a32hex(s: string): string {
  let h = 0x811c9dc5;
  // Encode UTF-8 inline: hashing is on the ETag path and a Buffer per call is waste.
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    // Lone surrogates are encoded as U+FFFD, as Buffer.from(s, 'utf8') does.
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), 0x01000193);
    } else if (c < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (c >> 12)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
    } else {
      h = Math.imul(h ^ (0xf0 | (c >> 18)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
    }
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Strong, key-order-independent identity of a config document: the first 16 hex digits of
 * SHA-256 over its canonical JSON. Used by the diff protocol to detect a worker whose
 * document drifted from the admin's; not compatible with Caddy's ETags (use fnv1a32hex).
 */
export function configHash(value: unknown): string {
  return createHash('sha256').update(canonicalJSON(value)).digest('hex').slice(0, 16);
}
