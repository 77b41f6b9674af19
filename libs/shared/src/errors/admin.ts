import type { ErrorSpec } from './types';

/**
 * Errors of the admin API (`/config`, `/id`, `/load`, `/adapt`, `/revisions`, `/stop`) and of
 * the admin's start-up. Messages stay Caddy's where Caddy has one; the code is what is stable.
 * Start-up codes (status 500) are printed by the process and never sent over HTTP.
 */
export const ADMIN_ERRORS = {
  ADM_ERR_METHOD_NOT_ALLOWED: { status: 405, meaning: 'The route exists but not for this HTTP method (Caddy: `method X not allowed` on /config and /id, `method not allowed` elsewhere).' },
  ADM_ERR_UNACCEPTABLE_CONTENT_TYPE: { status: 400, meaning: 'A POST, PUT or PATCH on /config or /id whose Content-Type does not contain `/json`.' },
  ADM_ERR_MALFORMED_CONTENT_TYPE: { status: 400, meaning: 'A /load or /adapt Content-Type that does not parse as a media type or has no `/`.' },
  ADM_ERR_UNKNOWN_ADAPTER: { status: 400, meaning: 'A /load or /adapt Content-Type names a config adapter that does not exist (only JSON and `text/caddyfile` do).' },
  ADM_ERR_ADAPT: { status: 400, meaning: 'The config adapter (Caddyfile) rejected the input; the error carries the adapter warnings.' },
  ADM_ERR_BAD_JSON: { status: 400, meaning: 'The request body is not valid JSON (Caddy answers 500 on /config; Switchyard 400).' },
  ADM_ERR_BODY_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the admin body limit (default 10 MiB).' },
  ADM_ERR_INVALID_PATH: { status: 400, meaning: 'A /config path walks through a missing or scalar value (`invalid traversal path at: ...`).' },
  ADM_ERR_BAD_INDEX: { status: 400, meaning: 'A /config path uses an array index that is not an integer or is out of bounds.' },
  ADM_ERR_NOT_ARRAY: { status: 400, meaning: 'A POST to `.../...` whose body is not a JSON array.' },
  ADM_ERR_KEY_EXISTS: { status: 409, meaning: 'PUT on an object key that already exists (use PATCH to replace it).' },
  ADM_ERR_KEY_NOT_FOUND: { status: 404, meaning: 'PATCH or DELETE of an object key that does not exist.' },
  ADM_ERR_MISSING_ID: { status: 400, meaning: 'A request to /id/ without an object id.' },
  ADM_ERR_UNKNOWN_ID: { status: 404, meaning: 'A request to /id/<id> for an @id that no object of the current config carries.' },
  ADM_ERR_IF_MATCH_MALFORMED: { status: 400, meaning: 'An If-Match header that is not a quoted `"<path> <hash>"` pair.' },
  ADM_ERR_IF_MATCH_FAILED: { status: 412, meaning: 'The If-Match hash does not match the current value at its path: someone changed the config since you read it.' },
  ADM_ERR_HOST_NOT_ALLOWED: { status: 403, meaning: 'The Host header is not in the admin allow-list (DNS-rebinding protection).' },
  ADM_ERR_ORIGIN_NOT_ALLOWED: { status: 403, meaning: 'The Origin (or Referer) of a browser request is not in the admin allow-list.' },
  ADM_ERR_BAD_ORIGIN: { status: 400, meaning: 'A browser request the admin never accepts: `Origin: null` or `Sec-Fetch-Mode: no-cors`.' },
  ADM_ERR_UNAUTHORIZED: { status: 401, meaning: 'The admin requires a token and the request has no matching `Authorization: Bearer <token>`.' },
  ADM_ERR_REVISION_NOT_FOUND: { status: 404, meaning: 'No stored revision has this number.' },
  ADM_ERR_BAD_REQUEST: { status: 400, meaning: 'A malformed query parameter or revision number, or a request path that does not decode.' },
  ADM_ERR_POOL_NOT_FOUND: { status: 404, meaning: 'No reverse_proxy handler of the current config has this pool id (its `@id`, else its JSON pointer; see `GET /pools`).' },
  ADM_ERR_UPSTREAM_NOT_FOUND: { status: 404, meaning: 'The address is not an upstream of the named pool (or of any pool, when none is named).' },
  ADM_ERR_LAST_UPSTREAM: { status: 409, meaning: 'The change would leave a pool without any available upstream (active, weight above 0, healthy); repeat it with `force=true` to do it anyway.' },
  ADM_ERR_DRAIN_NOT_FOUND: { status: 404, meaning: 'No drain job was ever started for this address (in this pool).' },
  ADM_ERR_PUBLISH: { status: 202, meaning: 'The change is stored as a revision but not every proxy node applied it in time; the body lists acked, lagging and failed nodes.' },
  ADM_ERR_INTERNAL: { status: 500, meaning: 'An unexpected failure inside the admin (a bug or a storage error); nothing was stored.' },
  ADM_ERR_TOKEN_REQUIRED: { status: 500, meaning: 'Start-up refused: the admin would listen on a non-loopback address without an admin token.' },
  ADM_ERR_BAD_LISTEN: { status: 500, meaning: 'Start-up refused: the admin listen address does not parse as host:port, or cannot be bound (in use, not local).' },
  ADM_ERR_BAD_OPTION: { status: 500, meaning: 'Start-up refused: a command-line option or environment variable of the admin has an invalid value.' },
  ADM_ERR_SCHEMA_TOO_NEW: { status: 500, meaning: 'Start-up refused: the database was written by a newer Switchyard (its schema version is above this binary\'s migrations).' },
  ADM_ERR_MIGRATION: { status: 500, meaning: 'Start-up refused: a migration failed or the applied migrations do not match this binary\'s files.' },
} as const satisfies Record<string, ErrorSpec>;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;
