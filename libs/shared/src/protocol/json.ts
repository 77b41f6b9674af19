/**
 * Small helpers over plain JSON values shared by diff and patch.
 *
 * A member whose value is `undefined` is treated as absent everywhere, as JSON.stringify
 * (and so the wire) treats it.
 */

export const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

export type JsonObject = { [key: string]: unknown };

/** True for a non-null, non-array object (the only other container JSON has). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values; key order is irrelevant, `undefined` members are absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  let count = 0;
  for (const k in ao) {
    if (!hasOwn(ao, k) || ao[k] === undefined) continue;
    if (!hasOwn(bo, k) || !jsonEqual(ao[k], bo[k])) return false;
    count++;
  }
  for (const k in bo) if (hasOwn(bo, k) && bo[k] !== undefined) count--;
  return count === 0;
}

/**
 * Length of `JSON.stringify(v)` (exact unless strings need escapes), stopping early once it
 * exceeds `limit`. Used to
 * weigh a patch against a wholesale replacement without serialising large subtrees.
 */
export function jsonSize(v: unknown, limit = Infinity): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'number':
      return Number.isFinite(v) ? String(v).length : 4;
    case 'boolean':
      return v ? 4 : 5;
    case 'undefined':
      return 0;
  }
  if (v === null || typeof v !== 'object') return 4;
  // Opening bracket, then each item followed by a comma or the closing bracket.
  let size = 1;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && size <= limit; i++) size += jsonSize(v[i], limit - size) + 1;
    return v.length === 0 ? 2 : size;
  }
  const o = v as JsonObject;
  let members = 0;
  for (const k in o) {
    if (size > limit) break;
    if (!hasOwn(o, k) || o[k] === undefined) continue;
    size += k.length + 3 + jsonSize(o[k], limit - size) + 1;
    members++;
  }
  return members === 0 ? 2 : size;
}
