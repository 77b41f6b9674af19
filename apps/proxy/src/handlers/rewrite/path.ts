/**
 * Path helpers for rewrite, on paths in escaped (wire) form as `ctx.path` holds them.
 * Pure functions; facts from Caddy's rewrite module and Go's path.Clean.
 */

/**
 * Go's path.Clean that keeps a trailing slash (Caddy's CleanPath): resolves "." and "..",
 * anchors at "/", and collapses repeated slashes unless `mergeSlashes` is false (Caddy keeps
 * them when the pattern itself contains "//").
 */
export function cleanPath(p: string, mergeSlashes: boolean): string {
  if (p === '' || p === '/') return '/';
  const trailing = p.endsWith('/');
  const segs = p.split('/');
  const out: string[] = [];
  const last = trailing ? segs.length - 1 : segs.length;
  for (let i = 1; i < last; i++) {
    const s = segs[i]!;
    if (s === '.') continue;
    if (s === '..') out.pop();
    else if (s !== '' || !mergeSlashes) out.push(s);
  }
  if (out.length === 0) return '/';
  return `/${out.join('/')}${trailing ? '/' : ''}`;
}

/**
 * Remove `prefix` from the start of an escaped path, comparing in decoded space and ignoring
 * ASCII case, except that where the prefix itself uses a `%xx` escape the path must use the
 * same escape there. Returns the path unchanged when it does not start with the prefix.
 */
export function trimPathPrefix(path: string, prefix: string): string {
  const pre = bytes(prefix);
  let i = 0;
  let j = 0;
  while (i < path.length && j < pre.length) {
    const pc = pre[j]!;
    let ch = path[i]!;
    if (ch === '%' && pc !== '%' && i + 3 <= path.length) {
      const d = decodeEscape(path, i);
      if (d === undefined) return path;
      ch = d;
      i += 2;
    }
    if (!foldEq(ch, pc)) return path;
    i++;
    j++;
  }
  return j >= pre.length ? path.slice(i) : path;
}

/** The suffix counterpart of trimPathPrefix, walking both strings from their ends. */
export function trimPathSuffix(path: string, suffix: string): string {
  const suf = bytes(suffix);
  let i = path.length;
  let j = suf.length;
  while (i > 0 && j > 0) {
    let ch = path[i - 1]!;
    let step = 1;
    if (i >= 3 && path[i - 3] === '%' && !(j >= 3 && suf[j - 3] === '%')) {
      const d = decodeEscape(path, i - 3);
      if (d === undefined) return path;
      ch = d;
      step = 3;
    }
    if (!foldEq(ch, suf[j - 1]!)) return path;
    i -= step;
    j--;
  }
  return j <= 0 ? path.slice(0, i) : path;
}

// pchar (RFC 3986) plus "/": what may stand unescaped in a path; "?" is added for a query.
const PATH_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const QUERY_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*$/;
const PATH_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;
const QUERY_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;

/**
 * Make an escaped path valid on the wire: existing `%xx` escapes are kept, every other byte
 * that may not stand in a path (space, `#`, `?`, non-ASCII, a stray `%`) is percent-encoded.
 */
export function normalizePath(p: string): string {
  return PATH_SAFE.test(p) ? p : normalize(p, PATH_CHAR, true);
}

/** As normalizePath, for a raw query string (`?` and `/` allowed). */
export function normalizeQuery(q: string): string {
  return QUERY_SAFE.test(q) ? q : normalize(q, QUERY_CHAR, true);
}

/** Escape a placeholder value for a path: everything but pchar and "/" is encoded, "%" included. */
export function escapePathValue(v: string): string {
  return PATH_SAFE.test(v) ? v : normalize(v, PATH_CHAR, false);
}

/** Go's url.QueryEscape: unreserved characters stay, space becomes "+", the rest is %XX. */
export function queryEscape(v: string): string {
  if (/^[A-Za-z0-9\-._~]*$/.test(v)) return v;
  let out = '';
  for (const ch of v) {
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += pct(ch);
  }
  return out;
}

function normalize(s: string, ok: RegExp, keepEscapes: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ch === '%' && keepEscapes && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) out += '%';
    else out += ok.test(ch) ? ch : pct(ch);
    i += ch.length;
  }
  return out;
}

function pct(ch: string): string {
  let out = '';
  for (const b of Buffer.from(ch, 'utf8')) out += `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  return out;
}

/** The pattern as a string of UTF-8 bytes, so it compares byte-wise with decoded escapes. */
function bytes(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

function decodeEscape(s: string, at: number): string | undefined {
  const hex = s.slice(at + 1, at + 3);
  return /^[0-9A-Fa-f]{2}$/.test(hex) ? String.fromCharCode(parseInt(hex, 16)) : undefined;
}

/** Byte equality ignoring ASCII case. */
function foldEq(a: string, b: string): boolean {
  if (a === b) return true;
  const x = a.charCodeAt(0) | 0x20;
  return x >= 0x61 && x <= 0x7a && x === (b.charCodeAt(0) | 0x20);
}
