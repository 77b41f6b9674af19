import { adminError } from '../errors';

/**
 * Caddy's `/config/[path]` traversal and mutation semantics (reference §3.1-§3.3) on an
 * immutable JSON tree. The document hangs under a virtual root key `config`, present exactly
 * when the document is not null, so `/config/` reads as `null` when nothing is loaded and PUT
 * can create it. Mutations never touch their input: they copy the containers on the path and
 * share every other subtree. Errors are AdminErrors with Caddy's messages and current-Caddy
 * statuses (409 key exists, 404 key missing, 400 for traversal, index and shape errors).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const ROOT_KEY = 'config';

/**
 * The value at `path` (e.g. `/config/apps/http`), or undefined for a missing leaf key, which
 * Caddy encodes as `null`. Throws 400 AdminErrors for traversal and index errors.
 */
export function readAt(doc: Json | null, path: string): Json | undefined {
  return access(doc, 'GET', path, undefined).read;
}

/**
 * The document after applying `method` with `value` at `path`: POST appends to an array or
 * sets a key (`.../...` appends each element of an array body), PUT inserts at an index or
 * creates a key (and missing intermediate objects), PATCH replaces an existing key or element,
 * DELETE removes one. Returns null when the whole document was deleted.
 */
export function mutateAt(doc: Json | null, method: Exclude<Method, 'GET'>, path: string, value: Json | undefined): Json | null {
  const root = access(doc, method, path, value).root;
  return root[ROOT_KEY] ?? null;
}

interface Outcome {
  root: JsonObject;
  read?: Json;
}

function access(doc: Json | null, method: Method, path: string, value: Json | undefined): Outcome {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (clean === '') throw adminError('ADM_ERR_INVALID_PATH', 'no traversable path');
  let parts = clean.split('/');
  const ellipses = parts[parts.length - 1] === '...';
  if (ellipses) parts = parts.slice(0, -1);
  if (parts.length === 0) throw adminError('ADM_ERR_INVALID_PATH', 'no traversable path');
  const root: JsonObject = doc === null ? {} : { [ROOT_KEY]: doc };
  const op: Op = { method, path, parts, ellipses, value: value === undefined ? null : value };
  const out: Outcome = { root };
  const next = step(root, 0, op, out);
  if (method !== 'GET') out.root = next as JsonObject;
  return out;
}

interface Op {
  method: Method;
  path: string;
  parts: string[];
  ellipses: boolean;
  value: Json;
}

/** Visits `node` at depth `i`; returns the node's replacement (the same node for GET). */
function step(node: Json | undefined, i: number, op: Op, out: Outcome): Json | undefined {
  const { parts, method } = op;
  const part = parts[i];
  if (Array.isArray(node)) {
    const idx = atoi(part);
    const where = '/' + parts.slice(0, i + 1).join('/');
    if (typeof idx === 'string') throw adminError('ADM_ERR_BAD_INDEX', `[${where}] invalid array index '${part}': ${idx}`);
    if (idx < 0 || idx >= node.length) throw adminError('ADM_ERR_BAD_INDEX', `[${where}] invalid array index: ${idx}`);
    // Caddy stops walking when the path ends on an element of a nested array; we treat that
    // element as the target instead of silently doing nothing.
    if (i === parts.length - 1) return arrayOp(node, idx, op, out, op.path);
    const child = step(node[idx], i + 1, op, out);
    return method === 'GET' ? node : replaceAt(node, idx, child as Json);
  }
  if (node === null || node === undefined || typeof node !== 'object') {
    throw adminError('ADM_ERR_INVALID_PATH', `invalid traversal path at: ${parts.slice(0, i + 1).join('/')}`);
  }
  const has = Object.hasOwn(node, part);
  const child = has ? node[part] : undefined;

  // The destination is an element of an array member: handled on the object, as Caddy does,
  // because a POST here appends to the whole array and ignores the index.
  if (Array.isArray(child) && i === parts.length - 2) {
    if (method === 'POST') return withKey(node, part, append(child, op));
    const idxStr = parts[parts.length - 1];
    const idx = atoi(idxStr);
    if (typeof idx === 'string') throw adminError('ADM_ERR_BAD_INDEX', `[${op.path}] invalid array index '${idxStr}': ${idx}`);
    return withKey(node, part, arrayOp(child, idx, op, out, op.path) as Json);
  }

  if (i === parts.length - 1) {
    switch (method) {
      case 'GET':
        out.read = child;
        return node;
      case 'POST':
        return withKey(node, part, Array.isArray(child) ? append(child, op) : op.value);
      case 'PUT':
        if (has) throw adminError('ADM_ERR_KEY_EXISTS', `[${op.path}] key already exists: ${part}`);
        return withKey(node, part, op.value);
      case 'PATCH':
        if (!has) throw adminError('ADM_ERR_KEY_NOT_FOUND', `[${op.path}] key does not exist: ${part}`);
        return withKey(node, part, op.value);
      case 'DELETE':
        if (!has) throw adminError('ADM_ERR_KEY_NOT_FOUND', `[${op.path}] key does not exist: ${part}`);
        return withoutKey(node, part);
    }
  }

  // PUT creates the objects a new resource's path needs while the parent is still at hand.
  const from = method === 'PUT' && (child === undefined || child === null) ? {} : child;
  const replaced = step(from, i + 1, op, out);
  return method === 'GET' ? node : withKey(node, part, replaced as Json);
}

/** GET/PUT/PATCH/DELETE of element `idx` of `arr`; bounds as current Caddy (PUT may use len). */
function arrayOp(arr: Json[], idx: number, op: Op, out: Outcome, path: string): Json[] {
  const limit = op.method === 'PUT' ? arr.length : arr.length - 1;
  if (idx < 0 || idx > limit) throw adminError('ADM_ERR_BAD_INDEX', `[${path}] array index out of bounds: ${op.parts[op.parts.length - 1]}`);
  switch (op.method) {
    case 'GET':
      out.read = arr[idx];
      return arr;
    case 'POST':
      return append(arr, op);
    case 'PUT':
      return [...arr.slice(0, idx), op.value, ...arr.slice(idx)];
    case 'PATCH':
      return replaceAt(arr, idx, op.value);
    case 'DELETE':
      return [...arr.slice(0, idx), ...arr.slice(idx + 1)];
  }
}

function append(arr: Json[], op: Op): Json[] {
  if (!op.ellipses) return [...arr, op.value];
  if (!Array.isArray(op.value)) throw adminError('ADM_ERR_NOT_ARRAY', 'final element is not an array');
  return [...arr, ...op.value];
}

function replaceAt(arr: Json[], idx: number, v: Json): Json[] {
  const copy = arr.slice();
  copy[idx] = v;
  return copy;
}

// A computed key in a literal defines an own property, so "__proto__" stays data, not prototype.
function withKey(obj: JsonObject, key: string, v: Json): JsonObject {
  return { ...obj, [key]: v };
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const { [key]: _removed, ...rest } = obj;
  return rest;
}

const INT64_MAX = 9223372036854775807n;

/**
 * Go's strconv.Atoi: optional sign then decimal digits; returns the number or Go's error text.
 * Leading zeros and `+` are accepted, as Caddy 2.6-2.11.2 accept them.
 */
export function atoi(s: string): number | string {
  const q = JSON.stringify(s);
  if (!/^[+-]?[0-9]+$/.test(s)) return `strconv.Atoi: parsing ${q}: invalid syntax`;
  const big = BigInt(s);
  if (big > INT64_MAX || big < -INT64_MAX - 1n) return `strconv.Atoi: parsing ${q}: value out of range`;
  // Anything past 2^53 is out of bounds for every array anyway; keep the sign for the message.
  return Number(big);
}
