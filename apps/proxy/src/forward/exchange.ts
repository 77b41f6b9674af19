import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { RequestContext } from '../handlers/types';
import { respond, writeHead } from '../handlers/respond';
import type { PoolLease } from '../upstream/pool';
import { CLIENT_CLOSED, classifyError, type ProxyFailure } from './errors';
import { requestHeaders, responseHeaders, type RequestHeadFacts } from './hop';

const kExchange = Symbol('switchyard.exchange');

/** Reason handed to undici when the client left; classified as PRX_ERR_CLIENT_CLOSED. */
class ClientGoneError extends Error {
  readonly code = 'UND_ERR_ABORTED';
}

/**
 * One client request forwarded over undici, possibly through several attempts: it is itself
 * the raw dispatch handler (no stream objects, no per-attempt allocations besides undici's
 * own), it streams the response into the client with backpressure (returns false from
 * `onData` and resumes on 'drain'), and it answers the client exactly once.
 *
 * The policy (which upstream, whether to retry, health accounting) lives in a subclass: this
 * class calls `attemptFailed` for every failed attempt before anything was written to the
 * client, `attemptEnded` exactly once per dispatched attempt, and `upstreamHead` when headers
 * arrive. `settle()` resolves the handler's promise when the exchange is over.
 */
export abstract class Exchange implements Dispatcher.DispatchHandler, RequestHeadFacts {
  readonly res: ServerResponse;
  /** Upstream request options, shared by every attempt. */
  protected readonly opts: Dispatcher.DispatchOptions;
  /** Upstream request headers before per-attempt rules (hop-by-hop removed, X-Forwarded-* set). */
  protected readonly baseHeaders: string[];
  // RequestHeadFacts, filled by requestHeaders().
  host = '';
  hasBody = false;
  xff: string | undefined = undefined;
  xfp: string | undefined = undefined;
  xfh: string | undefined = undefined;
  upgrade = '';

  /** The current attempt's request started being written (undici called onConnect). */
  protected sent = false;
  protected attemptStart = 0;
  /** The client left; no more attempts, nothing more is written. */
  protected clientGone = false;
  protected over = false;
  private abortAttempt: ((err: Error) => void) | null = null;
  private headWritten = false;
  private sink: Writable | null = null;
  private resumeUpstream: (() => void) | null = null;

  constructor(
    readonly ctx: RequestContext,
    private readonly settle: () => void,
  ) {
    this.res = ctx.res!;
    const headers = requestHeaders(ctx.req.rawHeaders, this);
    // An HTTP/2 request may carry a body without Content-Length: its stream says so.
    if (!this.hasBody && ctx.req.httpVersionMajor === 2) {
      const stream = (ctx.req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream;
      if (stream && !stream.endAfterHeaders) this.hasBody = true;
    }
    this.baseHeaders = headers;
    this.opts = {
      path: ctx.query ? `${ctx.path}?${ctx.query}` : ctx.path,
      method: ctx.method,
      headers,
      body: this.hasBody ? ctx.req : null,
    };
    (this.res as unknown as Record<symbol, Exchange>)[kExchange] = this;
    this.res.on('close', onResponseClose);
  }

  /** The decision after a failed attempt (nothing sent to the client yet): retry or `fail`. */
  protected abstract attemptFailed(f: ProxyFailure): void;
  /** Called once per dispatched attempt when it is over (success or failure). */
  protected abstract attemptEnded(): void;
  /**
   * Response headers arrived after `ms`; return the final flat header list to send (hop-by-hop
   * already removed; the subclass applies its rules and may add Set-Cookie).
   */
  protected abstract upstreamHead(status: number, headers: string[], ms: number): string[];
  /** A failure after the response head went out (the client connection is aborted). */
  protected abstract lateFailure(f: ProxyFailure): void;

  /** Dispatch one attempt through `lease` with `headers` (baseHeaders or a per-attempt copy). */
  protected send(lease: PoolLease, headers: string[]): void {
    this.sent = false;
    this.abortAttempt = null;
    this.attemptStart = performance.now();
    this.opts.headers = headers;
    lease.dispatch(this.opts, this);
  }

  /** The request body was never read, so another attempt can still send it. */
  protected get bodyIntact(): boolean {
    return !this.hasBody || (!this.ctx.req.readableDidRead && !this.ctx.req.destroyed);
  }

  /** Answer the client with an empty-bodied error status and finish. */
  protected fail(f: ProxyFailure): void {
    if (this.clientGone || f === CLIENT_CLOSED) {
      this.ctx.status = CLIENT_CLOSED.status;
    } else if (!this.res.headersSent) {
      respond(this.ctx, f.status, {});
    } else {
      this.res.destroy();
    }
    this.finish();
  }

  protected finish(): void {
    if (this.over) return;
    this.over = true;
    this.settle();
  }

  /** The client left: abort the attempt in flight (undici then reports it through onError). */
  clientClosed(): void {
    if (this.over) return;
    this.clientGone = true;
    if (this.abortAttempt !== null) this.abortAttempt(new ClientGoneError('client closed the connection'));
  }

  // --- undici DispatchHandler (legacy raw form: no controller objects, raw Buffer headers) ---

  onConnect(abort: (err?: Error) => void): void {
    if (this.clientGone) {
      abort(new ClientGoneError('client closed the connection'));
      return;
    }
    this.abortAttempt = abort;
    this.sent = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx informational responses (103 Early Hints) are not relayed.
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    const list = this.upstreamHead(statusCode, responseHeaders(rawHeaders), performance.now() - this.attemptStart);
    const ctx = this.ctx;
    // writeHead validates the upstream's fields and throws on bad ones; undici then reports
    // the throw through onError while nothing has reached the client yet (502, retryable).
    if (ctx.responseHooks.length === 0 && !ctx.closing) {
      this.res.writeHead(statusCode, list);
      ctx.status = statusCode;
      this.sink = this.res;
    } else {
      this.sink = writeHead(ctx, statusCode, toObject(list));
    }
    this.headWritten = true;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.ctx.bytesOut += chunk.length;
    const sink = this.sink!;
    if (sink.write(chunk)) return true;
    if (this.res.destroyed) {
      this.clientClosed();
      return false;
    }
    sink.once('drain', this.resumeUpstream!);
    return false;
  }

  onComplete(): void {
    this.abortAttempt = null;
    this.attemptEnded();
    this.sink!.end();
    this.finish();
  }

  onError(err: Error): void {
    this.abortAttempt = null;
    this.attemptEnded();
    if (this.over) return;
    const f = this.clientGone ? CLIENT_CLOSED : classifyError(err, this.sent);
    if (this.headWritten) {
      // Too late for a status: cut the client connection so it sees a truncated response.
      if (f !== CLIENT_CLOSED) this.lateFailure(f);
      this.res.destroy();
      this.finish();
      return;
    }
    if (f === CLIENT_CLOSED) {
      this.fail(f);
      return;
    }
    this.attemptFailed(f);
  }
}

function onResponseClose(this: ServerResponse): void {
  const ex = (this as unknown as Record<symbol, Exchange | undefined>)[kExchange];
  if (ex !== undefined && !this.writableFinished) ex.clientClosed();
}

/** Flat header list to node's object form (lower-case keys, repeated fields as arrays) for response hooks. */
export function toObject(list: readonly string[]): OutgoingHttpHeaders {
  const o: OutgoingHttpHeaders = {};
  for (let i = 0; i < list.length; i += 2) {
    const k = list[i]!.toLowerCase();
    const v = list[i + 1]!;
    const prev = o[k];
    if (prev === undefined) o[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else o[k] = [String(prev), v];
  }
  return o;
}
