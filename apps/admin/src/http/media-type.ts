import { adminError } from '../errors';

/** How a /load or /adapt body is to be read. */
export type BodyFormat = { readonly kind: 'json' } | { readonly kind: 'adapter'; readonly name: string };

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}(?:/${TOKEN})?$`);

/**
 * Caddy's adaptByContentType dispatch (reference §6): no Content-Type means JSON, a media type
 * ending in `/json` is JSON (parameters allowed), `x/<name>` names the adapter `<name>`, a type
 * without `/` is `malformed Content-Type`, one that does not parse is `invalid Content-Type`.
 */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  if (contentType === undefined || contentType.trim() === '') return { kind: 'json' };
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === '') throw adminError('ADM_ERR_MALFORMED_CONTENT_TYPE', 'invalid Content-Type: mime: no media type');
  if (!MEDIA_TYPE.test(type)) throw adminError('ADM_ERR_MALFORMED_CONTENT_TYPE', 'invalid Content-Type: mime: expected token after slash');
  if (type.endsWith('/json')) return { kind: 'json' };
  const slash = type.indexOf('/');
  if (slash < 0) throw adminError('ADM_ERR_MALFORMED_CONTENT_TYPE', 'malformed Content-Type');
  return { kind: 'adapter', name: type.slice(slash + 1) };
}

/** The /config rule: the Content-Type must contain `/json`, anywhere (Caddy's strings.Contains). */
export function requireJsonContentType(contentType: string | undefined): void {
  const ct = contentType ?? '';
  if (!ct.includes('/json')) throw adminError('ADM_ERR_UNACCEPTABLE_CONTENT_TYPE', `unacceptable content-type: ${ct}; 'application/json' required`);
}
