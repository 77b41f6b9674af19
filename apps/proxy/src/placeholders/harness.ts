/**
 * Test harness for the handlers of the route chain: a real node:http server on 127.0.0.1 whose
 * listener builds a RequestContext with createContext and runs routes compiled by
 * compileRoutes, plus a small HTTP client. Besides the factories a test passes, a few test-only
 * handlers exist: `echo` (answers with what it sees), `body` (a response of a given size,
 * type and framing), `delay` (waits, then continues), `fail` (throws) and `set_upstream`. Test-only; nothing in
 * the data path imports it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutgoingHttpHeaders } from 'node:http';
import type { RouteConfig } from '@switchyard/shared';
import { createContext } from '../runtime/context';
import { compileRoutes, END, type HandlerFactory } from '../runtime/routes';
import { blockList } from '../runtime/match';
import type { ServerRuntime } from '../runtime/build';
import { respond, writeHead } from '../handlers/respond';
import type { Handler, RequestContext } from '../handlers/types';
import { HostRegistry } from '../upstream/registry';

export interface Served {
  readonly port: number;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type TestCfg = Record<string, unknown>;

const TEST_HANDLERS: Record<string, (cfg: TestCfg) => Handler> = {
  echo: () => ({
    name: 'echo',
    handle: async (ctx) =>
      respond(ctx, 200, { 'content-type': 'application/json' }, JSON.stringify({
        method: ctx.method, path: ctx.path, query: ctx.query, headers: ctx.req.headers, rawHeaders: ctx.req.rawHeaders, clientIp: ctx.clientIp,
      })),
  }),
  body: (cfg) => ({
    name: 'body',
    async handle(ctx) {
      const size = (cfg['size'] as number | undefined) ?? 1000;
      const chunks = (cfg['chunks'] as number | undefined) ?? 1;
      const h: OutgoingHttpHeaders = { ...(cfg['headers'] as OutgoingHttpHeaders | undefined) };
      if (cfg['type'] !== null) h['content-type'] = (cfg['type'] as string | undefined) ?? 'text/plain; charset=utf-8';
      if (cfg['length'] !== false) h['content-length'] = size;
      const text = Buffer.from('switchyard '.repeat(Math.ceil(size / 11)).slice(0, size));
      const sink = writeHead(ctx, (cfg['status'] as number | undefined) ?? 200, h);
      const per = Math.ceil(size / chunks);
      for (let i = 0; i < size; i += per) {
        if (!sink.write(text.subarray(i, i + per))) await new Promise((r) => sink.once('drain', r));
        if (chunks > 1) await sleep(5);
      }
      sink.end();
    },
  }),
  delay: (cfg) => ({
    name: 'delay',
    handle: async (ctx, next) => {
      await sleep(cfg['ms'] as number);
      return next(ctx);
    },
  }),
  fail: (cfg) => ({
    name: 'fail',
    handle: async () => {
      throw Object.assign(new Error('test failure'), { status: cfg['status'] });
    },
  }),
  set_upstream: (cfg) => ({
    name: 'set_upstream',
    handle: (ctx, next) => {
      ctx.upstream = cfg['dial'] as string;
      return next(ctx);
    },
  }),
};

/**
 * Serve `routes` on 127.0.0.1 (port 0 unless given; in a cluster worker the port is shared).
 * `factories` maps handler names to the factories under test.
 */
export async function serveRoutes(
  routes: readonly unknown[],
  factories: Readonly<Record<string, HandlerFactory>>,
  opts: { trustedProxies?: string[]; port?: number } = {},
): Promise<Served> {
  const factory: HandlerFactory = (cfg, services, path, build) => {
    const f = factories[cfg.handler];
    if (f) return f(cfg, services, path, build);
    const t = TEST_HANDLERS[cfg.handler];
    if (t) return t(cfg as unknown as TestCfg);
    throw new Error(`test harness: no factory for ${cfg.handler}`);
  };
  const compiled = compileRoutes(routes as RouteConfig[], '/routes', { registry: new HostRegistry() }, factory);
  const srv = {
    name: 'test',
    listen: [],
    routes: compiled,
    trusted: opts.trustedProxies ? blockList(opts.trustedProxies) : undefined,
    clientIpHeaders: ['x-forwarded-for'],
    settings: { headersTimeout: 10_000, requestTimeout: 0, keepAliveTimeout: 5_000, maxHeaderSize: 16 * 1024 },
  } as unknown as ServerRuntime; // createContext reads only trusted and clientIpHeaders
  const server = http.createServer((req, res) => {
    const ctx: RequestContext = createContext(srv, req, res, 'http');
    compiled.run(ctx, 0, END).catch((err: unknown) => {
      if (!res.headersSent) respond(ctx, 500, {});
      else res.destroy(err as Error);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const h of compiled.handlers) h.dispose?.();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request on a fresh connection; resolves with the whole response (status 0 when the connection failed). */
export function request(
  port: number,
  path: string,
  opts: { method?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', () => resolve({ status: 0, headers: {}, rawHeaders: [], body: Buffer.alloc(0) }));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, rawHeaders: [], body: Buffer.alloc(0) }));
    req.end();
  });
}

/** The body as JSON (for `echo`). */
export function json<T = Record<string, unknown>>(r: Reply): T {
  return JSON.parse(r.body.toString()) as T;
}
