import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SwitchyardError } from '@switchyard/shared';
import type { Runtime, ServerRuntime, ServerSettings } from './build';
import { createContext } from './context';
import { END } from './routes';
import { respond } from '../handlers/respond';
import type { RequestContext } from '../handlers/types';

/** Hooks the worker gives its listeners: the current runtime and request accounting. */
export interface ListenerHost {
  /** The runtime in force now (read once per request). */
  current(): Runtime | null;
  /** Called when a request starts and ends (graceful shutdown waits for zero). */
  track(delta: 1 | -1): void;
  /** Access log / metrics hook, called once per finished request. */
  onDone?(ctx: RequestContext, srv: ServerRuntime): void;
  readonly closing: boolean;
}

/**
 * One bound listen address. The socket is bound once and kept across config swaps: requests
 * look up the server runtime for this address in the runtime current at their arrival, so a
 * swap never touches the socket or its open connections.
 */
export class Listener {
  readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  /** The server config that last served here, for stragglers after the address is removed. */
  private last: ServerRuntime | undefined;

  constructor(readonly key: string, private readonly host: ListenerHost, settings: ServerSettings) {
    this.server = http.createServer({ maxHeaderSize: settings.maxHeaderSize, noDelay: true, requireHostHeader: false });
    this.apply(settings);
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
  }

  /** Apply per-server timeouts (settable on a live server). */
  apply(s: ServerSettings): void {
    this.server.headersTimeout = s.headersTimeout;
    this.server.requestTimeout = s.requestTimeout;
    this.server.keepAliveTimeout = s.keepAliveTimeout;
  }

  /** Bind; rejects with PRX_ERR_LISTEN (path set by the caller) when the address cannot be bound. */
  listen(): Promise<void> {
    const [host, port] = splitKey(this.key);
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        this.server.off('listening', onListening);
        reject(new SwitchyardError('PRX_ERR_LISTEN', 500, `listening on ${this.key}: ${e.message}`));
      };
      const onListening = () => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host: host || undefined, port, exclusive: false });
    });
  }

  /** The bound port (useful with port 0 in tests). */
  port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /**
   * Stop accepting, close idle keep-alive connections, let in-flight requests finish; after
   * `graceMs` (0 = wait as long as they take) cut what remains.
   */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      if (graceMs > 0) {
        const t = setTimeout(() => {
          this.server.closeAllConnections();
          for (const s of this.sockets) s.destroy();
        }, graceMs);
        t.unref();
      }
    });
  }

  /** Close connections that are idle now (called again while draining a closed listener). */
  closeIdle(): void {
    this.server.closeIdleConnections();
  }

  private serverFor(): ServerRuntime | undefined {
    const srv = this.host.current()?.byListen.get(this.key);
    if (srv) this.last = srv;
    return srv ?? this.last;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const srv = this.serverFor();
    if (!srv) {
      res.writeHead(503, { 'content-length': 0, connection: 'close' });
      res.end();
      return;
    }
    const ctx = createContext(srv, req, res, 'http');
    if (this.host.closing || !this.server.listening) ctx.closing = true;
    this.host.track(1);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.host.track(-1);
      if (srv.log) srv.log(ctx);
      this.host.onDone?.(ctx, srv);
    };
    res.once('close', finish);
    srv.routes.run(ctx, 0, END).catch((err: unknown) => {
      if (!res.headersSent) respond(ctx, 500, {});
      else res.destroy(err as Error);
    });
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const srv = this.serverFor();
    if (!srv) {
      socket.destroy();
      return;
    }
    const ctx = createContext(srv, req, undefined, 'http', socket, head);
    srv.routes.run(ctx, 0, END).catch(() => socket.destroy());
  }
}

function splitKey(key: string): [string, number] {
  const c = key.lastIndexOf(':');
  let host = key.slice(0, c);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return [host, Number(key.slice(c + 1))];
}
