import type { ErrorSpec } from './types';

/**
 * Errors of the data plane. Upstream failures answer with the status given here and an empty
 * body (as Caddy does); the code goes to the access/error log. `PRX_ERR_CONFIG` is raised when
 * a worker builds a handler from a value the schema could not judge.
 */
export const PROXY_ERRORS = {
  PRX_ERR_CONFIG: { status: 400, meaning: 'A handler config value is invalid in a way the schema cannot check (bad regexp, CIDR, duration, selection policy field); the message names its path.' },
  PRX_ERR_NO_UPSTREAM: { status: 503, meaning: 'No upstream was available (all unhealthy, full, draining or none configured) within the retry budget.' },
  PRX_ERR_DIAL: { status: 502, meaning: 'The upstream could not be connected to (refused, unreachable, unresolvable); the request was never sent.' },
  PRX_ERR_DIAL_TIMEOUT: { status: 504, meaning: 'Connecting to the upstream took longer than transport.dial_timeout (default 3s); the request was never sent.' },
  PRX_ERR_HEADER_TIMEOUT: { status: 504, meaning: 'The upstream did not send response headers within transport.response_header_timeout.' },
  PRX_ERR_READ_TIMEOUT: { status: 504, meaning: 'The upstream response body stalled longer than transport.read_timeout; if headers were already sent the client connection is aborted.' },
  PRX_ERR_UPSTREAM_CLOSED: { status: 502, meaning: 'The upstream closed or reset the connection before a complete response.' },
  PRX_ERR_BAD_RESPONSE: { status: 502, meaning: 'The upstream sent a response that is not valid HTTP/1.1 (parse error, length mismatch, oversized headers).' },
  PRX_ERR_BAD_REQUEST: { status: 502, meaning: 'The request could not be forwarded as built (an invalid header value produced by header rules, a body shorter than its Content-Length).' },
  PRX_ERR_CLIENT_CLOSED: { status: 499, meaning: 'The client went away before the response was complete; the upstream request is cancelled (logged only, as Caddy logs 499).' },
  PRX_ERR_UPGRADE: { status: 502, meaning: 'An Upgrade (WebSocket) tunnel could not be established: the upstream response head was malformed or too large.' },
  PRX_ERR_LISTEN: { status: 500, meaning: 'A worker could not bind a listen address of the new config (in use, not permitted); it NACKs with the path of the address and keeps serving its current config.' },
  PRX_ERR_TLS: { status: 400, meaning: 'A certificate or key cannot be read or loaded, or a TLS connection policy has no certificate; the message names the JSON pointer.' },
  PRX_ERR_APPLY: { status: 500, meaning: 'A worker failed to build or swap in a config for a reason not covered by another code; it keeps serving its current config.' },
} as const satisfies Record<string, ErrorSpec>;
