import { PROXY_ERRORS, type ProxyErrorCode } from '@switchyard/shared';

/**
 * The one place where an upstream outcome becomes a status: 502 cannot connect or bad
 * response, 503 no upstream available, 504 timeouts, 499 (logged) when the client left.
 */
export interface ProxyFailure {
  readonly code: ProxyErrorCode;
  readonly status: number;
  /**
   * The request may have reached the upstream. A failure with `sent: false` is always safe
   * to retry on another upstream; one with `sent: true` only for retry_match requests.
   */
  readonly sent: boolean;
  /** Counts as a passive health failure of the upstream (false for our own or the client's faults). */
  readonly upstreamFault: boolean;
  /** Retrying cannot help (the request itself is at fault). */
  readonly final: boolean;
  readonly message: string;
}

function failure(code: ProxyErrorCode, sent: boolean, upstreamFault: boolean, message: string, final = false): ProxyFailure {
  return { code, status: PROXY_ERRORS[code].status, sent, upstreamFault, final, message };
}

/** The outcome when the selection policy finds no available upstream. */
export const NO_UPSTREAM: ProxyFailure = Object.freeze(failure('PRX_ERR_NO_UPSTREAM', false, false, 'no upstreams available'));

/** The outcome when the client went away mid-request. */
export const CLIENT_CLOSED: ProxyFailure = Object.freeze(failure('PRX_ERR_CLIENT_CLOSED', true, false, 'client closed the connection', true));

/**
 * Classify an error delivered by undici (or by a raw upgrade socket). `wasSent` is whether the
 * request had started being written (undici called `onConnect`); before that point every error
 * is a dial error, whatever its code.
 */
export function classifyError(err: unknown, wasSent: boolean): ProxyFailure {
  const e = err as { code?: string; name?: string; message?: string } | null;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return failure('PRX_ERR_DIAL_TIMEOUT', false, true, msg);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return failure('PRX_ERR_HEADER_TIMEOUT', true, true, msg);
    case 'UND_ERR_BODY_TIMEOUT':
      return failure('PRX_ERR_READ_TIMEOUT', true, true, msg);
    case 'UND_ERR_ABORTED':
      return CLIENT_CLOSED;
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return failure('PRX_ERR_BAD_REQUEST', wasSent, false, msg, true);
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      // Our pool was closed under the request (config retired): not the upstream's fault.
      return failure('PRX_ERR_DIAL', false, false, msg);
    default:
      break;
  }
  // Refused, unreachable, unresolvable, reset during connect: the request bytes never left.
  if (!wasSent) return failure('PRX_ERR_DIAL', false, true, msg);
  // ERR_*: node refused a field of the upstream's response head (invalid characters).
  if (code.startsWith('HPE_') || code.startsWith('ERR_') || e?.name === 'HTTPParserError' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return failure('PRX_ERR_BAD_RESPONSE', true, true, msg);
  }
  return failure('PRX_ERR_UPSTREAM_CLOSED', true, true, msg);
}
