import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { SwitchyardError } from '@switchyard/shared';
import type { Runtime, ServerRuntime, ServerSettings } from './build';
import { createContext } from './context';
import { END } from './routes';
import { respond } from '../handlers/respond';
import type { RequestContext } from '../handlers/types';
import { H2Sessions, type Certificate } from '../tls';

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

type Mode = 'http' | 'h1' | 'h2';
type AnyServer = http.Server | https.Server | http2.Http2SecureServer;
type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/**
 * One bound listen address, kept across config swaps. The bound socket is a plain TCP server;
 * each accepted connection is handed to the protocol server its address calls for in the
 * runtime current at that moment: plain HTTP/1.1, TLS with http/1.1, or TLS with h2+http/1.1
 * (ALPN). The protocol servers are never bound themselves. So a swap never touches the socket
 * or open connections, and an address can change between http and https (or gain h2, or new
 * certificates) without rebinding: the listen key stays host:port, and new connections (and
 * handshakes, through the SNICallback) follow the new config while old ones keep theirs.
 */
export class Listener {
  readonly server: net.Server;
  private readonly sockets = new Set<Duplex>();
  private readonly protocols = new Map<Mode, AnyServer>();
  /** The certificate each TLS protocol server gives clients that send no SNI. */
  private readonly fallbacks = new Map<Mode, Certificate>();
  private readonly sessions: H2Sessions;
  private settings: ServerSettings;
  /** The server config that last served here, for stragglers after the address is removed. */
  private last: ServerRuntime | undefined;
  private closed = false;

  constructor(readonly key: string, private readonly host: ListenerHost, settings: ServerSettings) {
    this.settings = settings;
    this.sessions = new H2Sessions(settings.keepAliveTimeout);
    // allowHalfOpen as http.Server binds its own sockets: HTTP/1 decides itself when to end.
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.onConnection(s));
  }

  /** Apply per-server timeouts (settable on live servers; maxHeaderSize only at creation). */
  apply(s: ServerSettings): void {
    this.settings = s;
    for (const p of this.protocols.values()) setTimeouts(p, s);
    this.sessions.setIdle(s.keepAliveTimeout);
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
        // Accept errors (EMFILE) are transient; without a listener they would kill the worker.
        this.server.on('error', (e) => process.stderr.write(`listener ${this.key}: ${e.message}\n`));
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
   * Stop accepting, close idle keep-alive connections and HTTP/2 sessions (GOAWAY), let
   * in-flight requests finish; after `graceMs` (0 = wait as long as they take) cut what remains.
   */
  close(graceMs: number): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const p of this.protocols.values()) p.close();
      this.sessions.closeAll();
      if (graceMs > 0) {
        const t = setTimeout(() => {
          for (const s of this.sockets) s.destroy();
        }, graceMs);
        t.unref();
      }
    });
  }

  /** Close connections that are idle now (called again while draining a closed listener). */
  closeIdle(): void {
    // Http2SecureServer has it too (for its HTTP/1 connections) but its types do not say so.
    for (const p of this.protocols.values()) (p as http.Server).closeIdleConnections();
    this.sessions.closeIdle();
  }

  private serverFor(): ServerRuntime | undefined {
    const srv = this.host.current()?.byListen.get(this.key);
    if (srv) this.last = srv;
    return srv ?? this.last;
  }

  private onConnection(socket: net.Socket): void {
    this.track(socket);
    const t = this.serverFor()?.tls;
    if (!t) {
      this.protocol('http').emit('connection', socket);
      return;
    }
    const mode: Mode = t.h2 ? 'h2' : 'h1';
    const server = this.protocol(mode) as tls.Server;
    if (this.fallbacks.get(mode) !== t.fallback) {
      // Clients without SNI never reach the SNICallback: they get the server's own context.
      server.setSecureContext({ cert: t.fallback.cert, key: t.fallback.key });
      this.fallbacks.set(mode, t.fallback);
    }
    // As a directly bound TLS server would have it; TLS and h2 handle their own shutdown.
    socket.allowHalfOpen = false;
    server.emit('connection', socket);
  }

  private track(s: Duplex): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** The protocol server for a mode, created on first use with the handlers wired. */
  private protocol(mode: Mode): AnyServer {
    let p = this.protocols.get(mode);
    if (p) return p;
    const s = this.settings;
    if (mode === 'http') {
      p = http.createServer({ maxHeaderSize: s.maxHeaderSize, noDelay: true, requireHostHeader: false, connectionsCheckingInterval: CHECK_INTERVAL_MS });
    } else {
      const common = { SNICallback: this.sni, handshakeTimeout: s.headersTimeout || 30_000, maxHeaderSize: s.maxHeaderSize, requireHostHeader: false, connectionsCheckingInterval: CHECK_INTERVAL_MS };
      if (mode === 'h1') p = https.createServer({ ...common, ALPNProtocols: ['http/1.1'] });
      else {
        const h2 = http2.createSecureServer({ ...common, allowHTTP1: true, settings: { maxHeaderListSize: s.maxHeaderSize } });
        h2.on('session', (session) => this.sessions.add(session));
        p = h2;
      }
      p.on('secureConnection', (tlsSocket: tls.TLSSocket) => this.track(tlsSocket));
    }
    const scheme = mode === 'http' ? 'http' : 'https';
    p.on('request', (req: Req, res: Res) => this.onRequest(req, res, scheme));
    p.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head, scheme));
    p.on('clientError', onClientError);
    setTimeouts(p, s);
    // Unbound servers start HTTP/1 connection tracking (headers/request timeouts, idle
    // detection) on 'listening'; the bound socket is ours, so say it for them.
    p.emit('listening');
    this.protocols.set(mode, p);
    return p;
  }

  /** Certificate by SNI from the runtime current at handshake time. */
  private readonly sni = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    const cert = this.serverFor()?.tls?.select(servername);
    if (cert) cb(null, cert.context);
    else cb(new Error(`no TLS connection policy matches server name ${JSON.stringify(servername)}`));
  };

  private onRequest(req: Req, res: Res, scheme: 'http' | 'https'): void {
    const srv = this.serverFor();
    const h2 = req.httpVersionMajor === 2;
    if (!srv) {
      res.writeHead(503, h2 ? { 'content-length': 0 } : { 'content-length': 0, connection: 'close' });
      res.end();
      return;
    }
    // HTTP/2 carries the host in :authority; Go (and so Caddy) treats it as Host.
    if (h2 && req.headers.host === undefined) {
      const authority = req.headers[':authority'];
      if (typeof authority === 'string') req.headers.host = authority;
    }
    const ctx = createContext(srv, req as http.IncomingMessage, res as http.ServerResponse, scheme);
    // HTTP/2 has no Connection: close; a closing listener sends GOAWAY to its sessions instead.
    if (!h2 && (this.host.closing || this.closed)) ctx.closing = true;
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

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, scheme: 'http' | 'https'): void {
    const srv = this.serverFor();
    if (!srv) {
      socket.destroy();
      return;
    }
    const ctx = createContext(srv, req, undefined, scheme, socket, head);
    srv.routes.run(ctx, 0, END).catch(() => socket.destroy());
  }
}

function setTimeouts(p: AnyServer, s: ServerSettings): void {
  // Http2SecureServer with allowHTTP1 serves its HTTP/1 connections with these same fields.
  const h = p as http.Server;
  h.headersTimeout = s.headersTimeout;
  h.requestTimeout = s.requestTimeout;
  h.keepAliveTimeout = s.keepAliveTimeout;
}

/**
 * How often node checks request-head and request timeouts (default 30 s): read_header_timeout
 * and read_timeout are enforced within this much of their value, so a slow client is cut off
 * promptly. One pass over the open connections per second is cheap even at 10k connections.
 */
const CHECK_INTERVAL_MS = 1000;

function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already under way on this socket: writing a status line now would splice it
  // into that body (node's own handler makes the same check).
  const writing = (socket as unknown as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!socket.writable || writing) return void socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

function splitKey(key: string): [string, number] {
  const c = key.lastIndexOf(':');
  let host = key.slice(0, c);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return [host, Number(key.slice(c + 1))];
}
