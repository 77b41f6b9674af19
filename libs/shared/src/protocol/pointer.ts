/**
 * RFC 6901 JSON pointers: the addressing of patch operations and config issues.
 * https://www.rfc-editor.org/rfc/rfc6901
 */

/** Escapes one reference token: `~` -> `~0`, then `/` -> `~1`. Inverse of unescapeToken. */
export function escapeToken(token: string | number): string {
  const s = String(token);
  if (s.indexOf('~') === -1 && s.indexOf('/') === -1) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins tokens into a pointer; `[]` is the whole document `""`. */
export function formatPointer(tokens: ReadonlyArray<string | number>): string {
  let out = '';
  for (const t of tokens) out += '/' + escapeToken(t);
  return out;
}

/**
 * Splits a pointer into unescaped tokens; `""` gives `[]`. Returns null for a string that is
 * not a pointer (does not start with `/`, or has a `~` not followed by `0` or `1`).
 */
export function parsePointer(pointer: string): string[] | null {
  if (pointer === '') return [];
  if (pointer.charCodeAt(0) !== 0x2f /* / */) return null;
  const tokens = pointer.slice(1).split('/');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.indexOf('~') === -1) continue;
    if (/~(?![01])/.test(t)) return null;
    // ~1 before ~0, so "~01" becomes "~1" and not "/" (RFC 6901 section 4).
    tokens[i] = t.replace(/~1/g, '/').replace(/~0/g, '~');
  }
  return tokens;
}

/**
 * The array index a token names, or -1 when it is not a canonical non-negative decimal
 * (RFC 6901 forbids leading zeros; `-` is handled by the caller).
 */
export function arrayIndex(token: string): number {
  if (token === '0') return 0;
  if (!/^[1-9][0-9]{0,15}$/.test(token)) return -1;
  return Number(token);
}
