/**
 * Reading and checking a Caddy `selection_policy` object. The admin's schema checks the same
 * document first; the proxy re-checks because a worker must never build a policy from a
 * document it cannot fully understand (Caddy decodes modules strictly, too).
 */

/** Caddy's JSON `selection_policy` object: `{ policy: "<name>", ...fields }`. */
export interface PolicyConfig {
  policy: string;
  [field: string]: unknown;
}

/**
 * A selection_policy object that cannot be built. `path` is a JSON pointer relative to the
 * selection_policy object ("" for the object itself, "/choose", "/fallback/field", ...).
 */
export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
  constructor(readonly path: string, message: string) {
    super(path === '' ? message : `${path}: ${message}`);
  }
}

/** Fields any Caddy JSON object may carry and which are not module fields. */
const META_FIELDS: ReadonlySet<string> = new Set(['@id']);

/** RFC 7230 / RFC 6265 token: valid as a header field name and as a cookie name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type Fields = Readonly<Record<string, unknown>>;

/** Throws unless `doc` is a plain object; returns it typed. */
export function asObject(doc: unknown, at: string): Fields {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new PolicyConfigError(at, 'selection policy must be an object');
  }
  return doc as Fields;
}

/** Throws on the first field that is neither `policy`, a meta field, nor in `allowed`. */
export function rejectUnknown(cfg: Fields, allowed: readonly string[], at: string): void {
  for (const key of Object.keys(cfg)) {
    if (key === 'policy' || META_FIELDS.has(key) || allowed.includes(key)) continue;
    throw new PolicyConfigError(`${at}/${escapePointer(key)}`, `unknown field "${key}" for policy "${String(cfg['policy'])}"`);
  }
}

/** An optional integer field `>= min`; undefined when absent. */
export function optInteger(cfg: Fields, key: string, min: number, at: string): number | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new PolicyConfigError(`${at}/${key}`, `${key} must be an integer >= ${min}`);
  }
  return v;
}

/** An optional string field; undefined when absent. */
export function optString(cfg: Fields, key: string, at: string): string | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new PolicyConfigError(`${at}/${key}`, `${key} must be a string`);
  return v;
}

/** A required non-empty string field. */
export function reqString(cfg: Fields, key: string, at: string): string {
  const v = optString(cfg, key, at);
  if (v === undefined || v === '') throw new PolicyConfigError(`${at}/${key}`, `${key} is required`);
  return v;
}

/** A required header-name or cookie-name token. */
export function reqToken(cfg: Fields, key: string, at: string): string {
  const v = reqString(cfg, key, at);
  if (!TOKEN.test(v)) throw new PolicyConfigError(`${at}/${key}`, `${key} must be a valid token, got "${v}"`);
  return v;
}

/**
 * Optional `weights`: non-negative integers with a positive total (an all-zero list would
 * leave nothing to pick; Caddy master rejects it too, caddyserver/caddy#7806).
 */
export function optWeights(cfg: Fields, at: string): readonly number[] | undefined {
  const v = cfg['weights'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new PolicyConfigError(`${at}/weights`, 'weights must be an array of integers');
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    const w: unknown = v[i];
    if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 0) {
      throw new PolicyConfigError(`${at}/weights/${i}`, 'weight must be a non-negative integer');
    }
    total += w;
  }
  if (total === 0) throw new PolicyConfigError(`${at}/weights`, 'weights must have a positive total');
  return v as number[];
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
