import { AdminError, adminError } from '../errors';
import type { Json } from './tree';

/** `@id` value -> the expanded `/config/...` path of the object carrying it. */
export type IdIndex = ReadonlyMap<string, string>;

/**
 * Indexes every object's `@id` (a string, or a number printed as JS prints it), as Caddy does
 * on each successful load. The schema has already rejected other `@id` types and duplicates;
 * a bad type found here is still an error rather than a silent skip.
 */
export function buildIdIndex(doc: Json | null): IdIndex {
  const index = new Map<string, string>();
  // Iterative walk: config documents can be deep and this runs on every commit.
  const stack: Array<[Json, string]> = doc === null ? [] : [[doc, '/config']];
  while (stack.length) {
    const [node, at] = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${at}/${i}`]);
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        const v = node[key];
        if (key === '@id') {
          if (typeof v === 'string') index.set(v, at);
          else if (typeof v === 'number') index.set(String(v), at);
          else throw new AdminError('CFG_ERR_BAD_ID', `indexing config: ${at}: @id field must be a string or number`, at.slice('/config'.length) + '/@id');
        } else {
          stack.push([v, `${at}/${key}`]);
        }
      }
    }
  }
  return index;
}

/**
 * Rewrites `/id/<id>[/<rest>]` to the `/config/...` path it names, cleaned like Go's path.Join
 * (so the ETag of an /id request carries the expanded path without a trailing slash).
 */
export function expandIdPath(urlPath: string, index: IdIndex): string {
  const parts = urlPath.split('/');
  if (parts.length < 3 || parts[2] === '') throw adminError('ADM_ERR_MISSING_ID', 'request path is missing object ID');
  const id = parts[2];
  const expanded = index.get(id);
  if (expanded === undefined) throw adminError('ADM_ERR_UNKNOWN_ID', `unknown object ID '${id}'`);
  return joinClean([expanded, ...parts.slice(3)]);
}

/** Go's path.Join: non-empty elements joined by `/`, then `.`/`..`/`//` resolved, no trailing `/`. */
export function joinClean(elems: string[]): string {
  const joined = elems.filter((e) => e !== '').join('/');
  if (joined === '') return '';
  const rooted = joined.startsWith('/');
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const body = out.join('/');
  return rooted ? '/' + body : body || '.';
}
