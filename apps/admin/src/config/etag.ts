import { canonicalJSON, fnv1a32hex } from '@switchyard/shared';
import { adminError } from '../errors';
import { readAt, type Json } from './tree';

/**
 * The exact bytes Caddy sends for a GET of `value`: Go's encoding plus a newline. A missing
 * value (undefined) encodes as `null`.
 */
export function encodeValue(value: Json | undefined): string {
  return canonicalJSON(value ?? null) + '\n';
}

/**
 * `"<path> <fnv1a32 of body>"`: Caddy 2.6's ETag value, sent by Switchyard as a normal header.
 * `path` is the expanded `/config/...` path exactly as requested, trailing slash included.
 */
export function etagFor(path: string, body: string): string {
  return `"${path} ${fnv1a32hex(body)}"`;
}

/**
 * Enforces an If-Match header against `doc`: the header's path may name any scope (not only the
 * request's), a path that does not exist hashes as `null\n`. Throws 400 for a malformed header
 * (Caddy's messages), 412 when the value changed, and traversal errors of the header's path.
 */
export function checkIfMatch(doc: Json | null, header: string | undefined): void {
  if (header === undefined || header === '') return;
  if (header.length < 2 || !header.startsWith('"') || !header.endsWith('"')) {
    throw adminError('ADM_ERR_IF_MATCH_MALFORMED', 'malformed If-Match header; expect quoted string');
  }
  const fields = header.slice(1, -1).split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 2) {
    throw adminError('ADM_ERR_IF_MATCH_MALFORMED', 'malformed If-Match header; expect format "<path> <hash>"');
  }
  const [path, hash] = fields;
  const current = fnv1a32hex(encodeValue(readAt(doc, path)));
  if (current !== hash) throw adminError('ADM_ERR_IF_MATCH_FAILED', 'If-Match header did not match current config hash');
}
