import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import type { Duplex, Writable } from 'node:stream';

/**
 * Per-request state shared by the handlers of one route chain. Created by the worker for every
 * request (and for every upgrade); handlers read and rewrite it, the terminal handler answers.
 */
export interface RequestContext {
  readonly req: IncomingMessage;
  /** Undefined for upgrade requests (then `socket`/`head` are set). */
  readonly res: ServerResponse | undefined;
  readonly socket?: Duplex;
  readonly head?: Buffer;
  /** Monotonic start time (performance.now()). */
  readonly start: number;
  /** 'http' or 'https' as seen by the client. */
  readonly scheme: 'http' | 'https';
  /** Socket peer address. */
  readonly remoteIp: string;
  readonly remotePort: number;
  /** Client IP after the server's trusted_proxies (X-Forwarded-For believed only from them). */
  clientIp: string;
  /** Request method (rewrite may change it). */
  method: string;
  /** Request host without port, lower case. */
  readonly host: string;
  /** Current path and query (rewrite changes them); `uri` = path + (query ? '?' + query : ''). */
  path: string;
  query: string;
  /** Upstream chosen by reverse_proxy (dial address), for logs and placeholders. */
  upstream?: string;
  /** Final status sent, for logs. */
  status: number;
  /** Bytes of response body written to the client. */
  bytesOut: number;
  /**
   * Hooks run just before a response head is written (response header ops, encode). A hook may
   * change the status (returned number) and mutate `headers` (lower-case keys) in place, and
   * may return a body sink that wraps the downstream one (encode's gzip stream).
   */
  readonly responseHooks: ResponseHook[];
  /** Set by the server when the worker is stopping: terminal handlers ask for Connection: close. */
  closing: boolean;
}

export type ResponseHook = (ctx: RequestContext, status: number, headers: OutgoingHttpHeaders) => ResponseHookResult | void;
export interface ResponseHookResult {
  status?: number;
  /** A stream the body is written into instead of the previous sink; it must end the previous sink. */
  wrap?: (sink: Writable) => Writable;
}

/** Continue with the next handler of the chain (Caddy's `next.ServeHTTP`). */
export type Next = (ctx: RequestContext) => Promise<void>;

/**
 * One handler of a route chain: Caddy's middleware shape. A non-terminal handler does its part
 * and awaits `next(ctx)`; a terminal one (reverse_proxy, static_response) answers and does not
 * call `next`. The end of the chain answers as Caddy does with no handler: 200, empty body.
 */
export interface Handler {
  readonly name: string;
  handle(ctx: RequestContext, next: Next): Promise<void>;
  /** Release timers and other resources when the runtime that owns this handler is retired. */
  dispose?(): void;
}

/** Build-time services a handler factory may use (shared, long-lived, keyed by address). */
export interface BuildServices {
  readonly registry: import('../upstream/registry').HostRegistry;
}
