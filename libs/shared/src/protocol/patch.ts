import { arrayIndex, parsePointer } from './pointer';
import { hasOwn, type JsonObject } from './json';

/** One RFC 6902 operation (the add/remove/replace subset). `value` is absent for remove. */
export type PatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown };

/** Operations applied in order; each path addresses the document as left by the previous op. */
export type Patch = PatchOp[];

/** An operation that does not apply to the document; `path` is the op's pointer, `index` its position. */
export class PatchError extends Error {
  readonly code = 'PATCH_NOT_APPLICABLE';
  constructor(
    message: string,
    readonly path: string,
    readonly index: number,
  ) {
    super(`patch op ${index} at '${path}': ${message}`);
    this.name = 'PatchError';
  }
}

type Container = JsonObject | unknown[];

// A plain assignment of "__proto__" would replace the prototype instead of adding a member.
function setMember(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function shallowCopy(c: Container): Container {
  return Array.isArray(c) ? c.slice() : { ...c };
}

/**
 * Applies `patch` to `doc` and returns the new document; never mutates `doc` or `patch`.
 * Unchanged subtrees are shared with `doc`, and each container on a changed path is copied at
 * most once per call, so a patch of k ops on a document costs about k path copies.
 * Throws PatchError for a malformed pointer, a missing parent, an array index out of range,
 * or a remove/replace of a member that does not exist. `add` on an existing object member
 * replaces it (RFC 6902 section 4.1); `-` appends to an array.
 */
export function applyPatch(doc: unknown, patch: Patch): unknown {
  // Containers copied during this call; only these may be written in place.
  const owned = new WeakSet<object>();
  const own = (c: Container): Container => {
    if (owned.has(c)) return c;
    const copy = shallowCopy(c);
    owned.add(copy);
    return copy;
  };
  let root = doc;
  for (let n = 0; n < patch.length; n++) {
    const op = patch[n];
    if (op === null || typeof op !== 'object') fail(n, undefined, 'not an operation');
    const path = op.path;
    if (typeof path !== 'string') fail(n, path, 'path is not a string');
    if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') {
      fail(n, path, `unsupported op '${String((op as { op: unknown }).op)}'`);
    }
    const tokens = parsePointer(path) ?? fail(n, path, 'malformed JSON pointer');
    if (op.op !== 'remove' && !('value' in op)) fail(n, path, 'value is missing');

    if (tokens.length === 0) {
      if (op.op === 'remove') fail(n, path, 'cannot remove the whole document');
      root = op.value;
      continue;
    }

    // Walk to the parent, copying each container on the way that this call does not own yet.
    if (!isContainer(root)) fail(n, path, 'the document is not an object or array');
    let parent = own(root);
    root = parent;
    for (let i = 0; i < tokens.length - 1; i++) {
      const token = tokens[i];
      if (Array.isArray(parent)) {
        const idx = arrayIndex(token);
        if (idx < 0 || idx >= parent.length) fail(n, path, `array index '${token}' out of range`);
        const child = parent[idx];
        if (!isContainer(child)) fail(n, path, `'${token}' is not an object or array`);
        parent = parent[idx] = own(child);
      } else {
        const child = hasOwn(parent, token) ? parent[token] : undefined;
        if (child === undefined) fail(n, path, `missing member '${token}'`);
        if (!isContainer(child)) fail(n, path, `'${token}' is not an object or array`);
        const copy = own(child);
        setMember(parent, token, copy);
        parent = copy;
      }
    }

    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) {
      if (op.op === 'add') {
        const idx = last === '-' ? parent.length : arrayIndex(last);
        if (idx < 0 || idx > parent.length) fail(n, path, `array index '${last}' out of range (length ${parent.length})`);
        parent.splice(idx, 0, op.value);
      } else {
        const idx = arrayIndex(last);
        if (idx < 0 || idx >= parent.length) fail(n, path, `array index '${last}' out of range (length ${parent.length})`);
        if (op.op === 'remove') parent.splice(idx, 1);
        else parent[idx] = op.value;
      }
    } else {
      const exists = hasOwn(parent, last) && parent[last] !== undefined;
      if (op.op === 'add') setMember(parent, last, op.value);
      else if (!exists) fail(n, path, `missing member '${last}'`);
      else if (op.op === 'remove') delete parent[last];
      else setMember(parent, last, op.value);
    }
  }
  return root;
}

function fail(index: number, path: unknown, message: string): never {
  throw new PatchError(message, typeof path === 'string' ? path : '', index);
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}
