/**
 * Test harness for the forwarding path: real node:http servers on 127.0.0.1:0 as upstreams and
 * as a minimal "worker" whose request listener builds a RequestContext and calls one handler
 * (no routing, no hooks unless given). Test-only; nothing in the data path imports it.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ReverseProxyConfig } from '@switchyard/shared';
import type { Handler, RequestContext, ResponseHook } from '../handlers/types';
import { createReverseProxy } from '../handlers/reverse-proxy';
import { HostRegistry } from '../upstream/registry';

export interface TestServer {
  readonly port: number;
  /** "127.0.0.1:<port>" (a dial address). */
  readonly address: string;
  readonly server: http.Server | net.Server;
  close(): Promise<void>;
}

async function listen(server: http.Server | net.Server): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if (server instanceof http.Server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP upstream on 127.0.0.1:0. */
export function startUpstream(listener: http.RequestListener): Promise<TestServer> {
  return listen(http.createServer({ keepAliveTimeout: 5000 }, listener));
}

/** A raw TCP upstream on 127.0.0.1:0 (for resets and malformed responses). */
export function startRawUpstream(onSocket: (s: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  return listen(server).then((t) => ({
    ...t,
    close: () => {
      for (const s of sockets) s.destroy();
      return t.close();
    },
  }));
}

/** A dial address nothing listens on (bound, then released). */
export async function closedAddress(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `127.0.0.1:${port}`;
}

/**
 * An address whose TCP handshakes never complete: a child process listens with backlog 1 and
 * then blocks its event loop, the test fills the accept queue, and Linux drops further SYNs.
 */
export async function blackholeAddress(): Promise<{ address: string; close(): Promise<void> }> {
  const script = `
    const net = require('node:net');
    const s = net.createServer();
    s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(String(s.address().port) + '\\n');
      setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  await new Promise((r) => setTimeout(r, 150));
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const f = net.connect(port, '127.0.0.1');
    f.on('error', () => {});
    fillers.push(f);
  }
  await new Promise((r) => setTimeout(r, 100));
  return {
    address: `127.0.0.1:${port}`,
    close: async () => {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** Send raw bytes, read until the server closes; returns everything received as latin1. */
export function rawRequest(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
    s.write(text);
  });
}

export interface ProxyOptions {
  /** Response hooks installed on every context (header ops, encode, ...). */
  hooks?: ResponseHook[];
  /** Overrides the client IP the server would compute (trusted_proxies simulation). */
  clientIp?: (req: http.IncomingMessage) => string;
}

/** Build the minimal context a worker would (no rewrite, scheme http). */
export function testContext(req: http.IncomingMessage, res: http.ServerResponse | undefined, opts: ProxyOptions = {}, socket?: Duplex, head?: Buffer): RequestContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const remoteIp = req.socket.remoteAddress ?? '';
  const hostHeader = req.headers.host ?? '';
  return {
    req,
    res,
    socket,
    head,
    start: performance.now(),
    scheme: 'http',
    remoteIp,
    remotePort: req.socket.remotePort ?? 0,
    clientIp: opts.clientIp ? opts.clientIp(req) : remoteIp,
    method: req.method ?? 'GET',
    host: hostOnly(hostHeader),
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    upstream: undefined,
    status: 0,
    bytesOut: 0,
    responseHooks: opts.hooks ? [...opts.hooks] : [],
    closing: false,
  };
}

/** Host header without port, lower case (as the worker computes it). */
function hostOnly(h: string): string {
  const c = h.startsWith('[') ? h.indexOf(']') + 1 : h.indexOf(':');
  return (c <= 0 ? h : h.slice(0, c)).toLowerCase();
}

export interface TestProxy extends TestServer {
  readonly url: string;
  /** Contexts of completed requests, in completion order. */
  readonly done: RequestContext[];
}

/** A node:http server on 127.0.0.1:0 that sends every request (and upgrade) to `handler`. */
export async function startProxy(handler: Handler, opts: ProxyOptions = {}): Promise<TestProxy> {
  const done: RequestContext[] = [];
  const server = http.createServer((req, res) => {
    const ctx = testContext(req, res, opts);
    handler.handle(ctx, async () => {}).then(
      () => done.push(ctx),
      (e: unknown) => {
        res.destroy(e as Error);
      },
    );
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const ctx = testContext(req, undefined, opts, socket, head);
    void handler.handle(ctx, async () => {}).then(() => done.push(ctx));
  });
  const t = await listen(server);
  return { ...t, url: `http://${t.address}`, done };
}

/** A reverse_proxy handler over a fresh registry (or the one given). */
export function reverseProxy(cfg: Omit<ReverseProxyConfig, 'handler'>, registry = new HostRegistry()): Handler & { registry: HostRegistry } {
  const h = createReverseProxy({ handler: 'reverse_proxy', ...cfg }, { registry }, '/test');
  return Object.assign(h, { registry });
}

/** Plain GET/POST through node:http without keep-alive surprises; resolves status, headers, body. */
export function fetchText(url: string, init: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
