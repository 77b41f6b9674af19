import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** A real upstream HTTP server on 127.0.0.1 that tests can inspect and steer. */
export interface Upstream {
  readonly port: number;
  readonly dial: string;
  /** Requests received, by path. */
  readonly hits: string[];
  /** Requests currently being answered. */
  inFlight: number;
  /** Make /health answer this status. */
  healthStatus: number;
  /** Open WebSocket connections. */
  readonly sockets: Set<import('ws').WebSocket>;
  close(): Promise<void>;
}

/**
 * Start an upstream: `/` answers `hello from PORT`; `/slow?ms=N` waits N ms; `/status/N`
 * answers N; `/health` answers `healthStatus`; `/echo` echoes the body; `/headers` returns
 * the request headers as JSON; WebSocket upgrades on any path echo messages.
 */
export async function startUpstream(): Promise<Upstream> {
  const hits: string[] = [];
  const sockets = new Set<import('ws').WebSocket>();
  const state = { inFlight: 0, healthStatus: 200 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(url.pathname);
    state.inFlight++;
    res.on('close', () => state.inFlight--);
    const port = (server.address() as AddressInfo).port;
    if (url.pathname === '/health') {
      res.writeHead(state.healthStatus, { 'content-type': 'text/plain' });
      res.end(state.healthStatus < 400 ? 'ok' : 'unhealthy');
    } else if (url.pathname === '/slow') {
      const t = setTimeout(() => res.end(`slow from ${port}`), Number(url.searchParams.get('ms') ?? 1000));
      res.on('close', () => clearTimeout(t));
    } else if (url.pathname.startsWith('/status/')) {
      res.writeHead(Number(url.pathname.slice(8)));
      res.end(`status from ${port}`);
    } else if (url.pathname === '/echo') {
      req.pipe(res);
    } else if (url.pathname === '/headers') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers));
    } else {
      req.resume();
      res.end(`hello from ${port}`);
    }
  });
  server.keepAliveTimeout = 60_000;
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('message', (m, isBinary) => ws.send(m, { binary: isBinary }));
    ws.on('close', () => sockets.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    dial: `127.0.0.1:${port}`,
    hits,
    sockets,
    get inFlight() { return state.inFlight; },
    set inFlight(v) { state.inFlight = v; },
    get healthStatus() { return state.healthStatus; },
    set healthStatus(v) { state.healthStatus = v; },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Several upstreams at once. */
export function startUpstreams(n: number): Promise<Upstream[]> {
  return Promise.all(Array.from({ length: n }, () => startUpstream()));
}

/** A port that was free a moment ago (for listen addresses inside configs). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
