import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual, createHash } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import {
  CloseCode, configHash, diff, encodeMessage, parseMessage, ProtocolError, HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, HELLO_TIMEOUT_MS,
  type AdminMessage, type HelloMessage, type Patch, type UpstreamStats, type WorkerMessage,
} from '@switchyard/shared';
import type { ConfigChange, ConfigPublisher, PublisherContext, PublishOptions, UpstreamStatus } from './types';
import { aggregateUpstreams } from './aggregate';
import { hubRoutes } from './routes';

/** A revision as the hub needs it: the document, its hash and the patch from the previous one. */
export interface HubRevision {
  revision: number;
  config: unknown;
  hash: string;
  /** Patch from `prevRevision` to `revision`; null when unknown (a snapshot is sent instead). */
  patch: Patch | null;
  prevRevision: number | null;
}

/** Outcome of publishing one revision to the connected workers. */
export interface PublishOutcome {
  revision: number;
  complete: boolean;
  acked: string[];
  lagging: string[];
  failed: { node: string; error: string; code?: string; path?: string }[];
}

/** One connected worker, as `GET /proxies` shows it. */
export interface ProxyInfo {
  id: string;
  node_id: string;
  worker_id: number;
  host: string;
  pid: number;
  connected_since: string;
  applied_revision: number | null;
  lag: number | null;
  last_nack: { revision: number; error: string; code: string; path: string | null; at: string } | null;
  last_push_ms: number | null;
}

interface Conn {
  ws: WebSocket;
  hello: HelloMessage;
  id: string;
  since: Date;
  applied: number | null;
  sent: number | null;
  lastFrame: number;
  lastNack: ProxyInfo['last_nack'];
  stats: UpstreamStats[];
  activeRequests: number;
  pushStarted: Map<number, number>;
  lastPushMs: number | null;
  /** Last reported health per address, to emit 'health' on flips. */
  health: Map<string, boolean>;
}

interface Waiter {
  revision: number;
  pending: Set<Conn>;
  outcome: PublishOutcome;
  done: () => void;
}

export interface HubOptions {
  /** Workers must present this token in hello (constant-time compare). */
  token?: string;
  heartbeatMs?: number;
  deadMs?: number;
}

/**
 * The admin end of the config push: a WebSocket endpoint (`/proxy/ws`) where workers say hello,
 * get a snapshot or the diffs they miss, and ACK/NACK every revision. `publish` pushes a new
 * revision to every worker as a diff from the revision last sent to it and resolves once all
 * of them answered or the bound expired. Worker stats are kept for aggregation.
 *
 * Events: 'revision' {revision, node, applied_ms}, 'nack' {...}, 'stats' (conn id),
 * 'connected' / 'disconnected' (ProxyInfo).
 */
export class ConfigHub extends EventEmitter implements ConfigPublisher {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  private readonly conns = new Set<Conn>();
  private readonly waiters = new Set<Waiter>();
  private readonly timer: NodeJS.Timeout;
  /** Push latency samples (publish -> ack), for /metrics. */
  readonly pushLatencies: number[] = [];
  /** Recent revisions with their patches, to catch a reconnecting worker up with diffs. */
  private readonly recent: HubRevision[] = [];
  private ctx: PublisherContext | undefined;
  private nextRequestId = 1;
  /** Outstanding stats_request / close_upstream answers, by request id. */
  private readonly replies = new Map<number, { pending: Set<Conn>; results: { node: string; requests: number; upgraded: number }[]; done: () => void }>();

  constructor(private readonly o: HubOptions = {}) {
    super();
    this.timer = setInterval(() => this.heartbeat(), o.heartbeatMs ?? HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** ConfigPublisher: hook into the admin app (before it listens). */
  attach(ctx: PublisherContext): void {
    this.ctx = ctx;
    this.attachServer(ctx.app.server);
    hubRoutes(ctx.app, this, ctx);
  }

  /** ConfigPublisher: live counters aggregated over every connected worker. */
  async upstreams(): Promise<readonly UpstreamStatus[]> {
    await this.requestStats(300);
    return aggregateUpstreams(this.ctx?.current().config ?? null, this.workerStats());
  }

  /** The latest revision as the admin holds it. */
  latest(): HubRevision | null {
    const cur = this.ctx?.current();
    if (!cur || cur.revision === 0) return null;
    const known = this.recent.find((r) => r.revision === cur.revision);
    return known ?? { revision: cur.revision, config: cur.config, hash: cur.hash, patch: null, prevRevision: null };
  }

  /** Take over upgrade requests for /proxy/ws on the admin's HTTP server. */
  attachServer(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/proxy/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      try {
        this.ctx?.checkAccess(req);
      } catch (e) {
        const status = (e as { statusCode?: number; status?: number }).statusCode ?? (e as { status?: number }).status ?? 403;
        socket.end(`HTTP/1.1 ${status} Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.conns) c.ws.close(CloseCode.GOING_AWAY, 'admin stopping');
    for (const w of this.waiters) w.done();
  }

  /** ConfigPublisher: push a committed change to every worker (see publishRevision). */
  publish(change: ConfigChange, opts: PublishOptions): Promise<PublishOutcome> {
    const rev: HubRevision = { revision: change.revision, config: change.config, hash: change.hash, patch: change.patch, prevRevision: change.prevRevision };
    this.recent.push(rev);
    if (this.recent.length > 256) this.recent.splice(0, this.recent.length - 256);
    return this.publishRevision(rev, opts);
  }

  /** Push `rev` to every connected worker; with wait, resolve after all ACK/NACK or timeout. */
  publishRevision(rev: HubRevision, opts: { wait: boolean; timeoutMs: number }): Promise<PublishOutcome> {
    const targets = [...this.conns];
    const outcome: PublishOutcome = { revision: rev.revision, complete: true, acked: [], lagging: [], failed: [] };
    const pending = new Set<Conn>();
    for (const c of targets) {
      this.sendRevision(c, rev);
      if (c.applied !== null && c.applied >= rev.revision) outcome.acked.push(c.id);
      else pending.add(c);
    }
    if (!opts.wait || pending.size === 0) {
      if (!opts.wait) outcome.lagging = [...pending].map((c) => c.id);
      outcome.complete = opts.wait ? true : pending.size === 0;
      return Promise.resolve(outcome);
    }
    return new Promise((resolve) => {
      const w: Waiter = {
        revision: rev.revision, pending, outcome,
        done: () => {
          clearTimeout(t);
          this.waiters.delete(w);
          outcome.lagging = [...w.pending].map((c) => c.id);
          outcome.complete = outcome.lagging.length === 0 && outcome.failed.length === 0;
          resolve(outcome);
        },
      };
      const t = setTimeout(() => w.done(), opts.timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Every connected worker. */
  proxies(latest: number | null): ProxyInfo[] {
    return [...this.conns].map((c) => ({
      id: c.id,
      node_id: c.hello.node_id,
      worker_id: c.hello.worker_id,
      host: c.hello.host,
      pid: c.hello.pid,
      connected_since: c.since.toISOString(),
      applied_revision: c.applied,
      lag: latest === null || c.applied === null ? null : latest - c.applied,
      last_nack: c.lastNack,
      last_push_ms: c.lastPushMs,
    }));
  }

  /** Latest stats of every worker, keyed by worker id. */
  workerStats(): { id: string; stats: UpstreamStats[]; activeRequests: number }[] {
    return [...this.conns].map((c) => ({ id: c.id, stats: c.stats, activeRequests: c.activeRequests }));
  }

  /** Number of connected workers. */
  get size(): number {
    return this.conns.size;
  }

  /** Ask every worker for fresh stats; resolves when all answered or after `timeoutMs`. */
  requestStats(timeoutMs = 500): Promise<void> {
    return this.ask((id) => ({ type: 'stats_request', request_id: id }), timeoutMs).then(() => undefined);
  }

  /**
   * Tell every worker to abort in-flight requests and close upgraded connections to `address`;
   * resolves with what each cut (workers that did not answer in time are left out).
   */
  closeUpstream(address: string, timeoutMs = 2000): Promise<{ node: string; requests: number; upgraded: number }[]> {
    return this.ask((id) => ({ type: 'close_upstream', request_id: id, address }), timeoutMs);
  }

  private ask(make: (id: number) => AdminMessage, timeoutMs: number): Promise<{ node: string; requests: number; upgraded: number }[]> {
    const id = this.nextRequestId++;
    const pending = new Set(this.conns);
    if (pending.size === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const results: { node: string; requests: number; upgraded: number }[] = [];
      const t = setTimeout(() => entry.done(), timeoutMs);
      const entry = {
        pending, results,
        done: () => {
          clearTimeout(t);
          this.replies.delete(id);
          resolve(results);
        },
      };
      this.replies.set(id, entry);
      const msg = make(id);
      for (const c of pending) this.send(c, msg);
    });
  }

  private answered(conn: Conn, id: unknown, result?: { requests: number; upgraded: number }): void {
    if (typeof id !== 'number') return;
    const r = this.replies.get(id);
    if (!r || !r.pending.delete(conn)) return;
    if (result) r.results.push({ node: conn.id, ...result });
    if (r.pending.size === 0) r.done();
  }

  private onConnection(ws: WebSocket): void {
    let conn: Conn | undefined;
    const helloTimer = setTimeout(() => this.refuse(ws, 'PROTO_ERR_BAD_MESSAGE', 'no hello in time'), HELLO_TIMEOUT_MS);
    ws.on('message', (data) => {
      let msg: WorkerMessage;
      try {
        msg = parseMessage(data.toString(), 'worker') as WorkerMessage;
      } catch (e) {
        const err = e as ProtocolError;
        this.refuse(ws, err.code ?? 'PROTO_ERR_BAD_MESSAGE', err.message);
        return;
      }
      if (!conn) {
        if (msg.type !== 'hello') return this.refuse(ws, 'PROTO_ERR_BAD_MESSAGE', 'first message must be hello');
        clearTimeout(helloTimer);
        if (this.o.token && !sameToken(msg.token ?? '', this.o.token)) return this.refuse(ws, 'PROTO_ERR_UNAUTHORIZED', 'bad or missing proxy token');
        conn = this.register(ws, msg);
        return;
      }
      conn.lastFrame = Date.now();
      this.onMessage(conn, msg);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (!conn) return;
      this.conns.delete(conn);
      for (const w of this.waiters) if (w.pending.delete(conn)) {
        w.outcome.lagging.push(conn.id);
        if (w.pending.size === 0) w.done();
      }
      for (const [id, r] of this.replies) if (r.pending.has(conn)) this.answered(conn, id);
      this.emit('disconnected', conn.id);
    });
    ws.on('error', () => ws.terminate());
  }

  private register(ws: WebSocket, hello: HelloMessage): Conn {
    const id = `${hello.node_id}/${hello.worker_id}`;
    for (const c of this.conns) {
      if (c.id === id) {
        this.conns.delete(c);
        c.ws.close(CloseCode.SUPERSEDED, 'superseded by a newer connection');
      }
    }
    const conn: Conn = {
      ws, hello, id, since: new Date(), applied: hello.revision, sent: hello.revision, lastFrame: Date.now(),
      lastNack: null, stats: [], activeRequests: 0, pushStarted: new Map(), lastPushMs: null, health: new Map(),
    };
    this.conns.add(conn);
    this.catchUp(conn, hello.revision, hello.config_hash);
    this.emit('connected', id);
    return conn;
  }

  /**
   * Bring a (re)connecting worker to the latest revision: nothing when it is current, one
   * combined diff from its revision when the admin still remembers that revision with the same
   * hash, else a snapshot.
   */
  private catchUp(conn: Conn, have: number | null, hash: string | null): void {
    const latest = this.latest();
    if (!latest) return;
    if (have !== null && have === latest.revision && hash === latest.hash) return;
    if (have !== null && have < latest.revision && hash !== null) {
      const base = this.recent.find((r) => r.revision === have);
      if (base && base.hash === hash && base.config !== null && latest.config !== null) {
        conn.pushStarted.set(latest.revision, performance.now());
        this.send(conn, { type: 'diff', from: have, to: latest.revision, patch: diff(base.config, latest.config), hash: latest.hash });
        conn.sent = latest.revision;
        return;
      }
    }
    this.sendSnapshot(conn, latest);
  }

  private sendRevision(conn: Conn, rev: HubRevision): void {
    if (conn.sent !== null && conn.sent >= rev.revision) return;
    conn.pushStarted.set(rev.revision, performance.now());
    if (rev.patch && rev.prevRevision !== null && conn.sent === rev.prevRevision) {
      this.send(conn, { type: 'diff', from: rev.prevRevision, to: rev.revision, patch: rev.patch, hash: rev.hash });
    } else {
      this.send(conn, { type: 'snapshot', revision: rev.revision, ...snapshotBody(rev) });
    }
    conn.sent = rev.revision;
  }

  private sendSnapshot(conn: Conn, rev: HubRevision): void {
    conn.pushStarted.set(rev.revision, performance.now());
    this.send(conn, { type: 'snapshot', revision: rev.revision, ...snapshotBody(rev) });
    conn.sent = rev.revision;
  }

  private onMessage(conn: Conn, msg: WorkerMessage): void {
    switch (msg.type) {
      case 'ack': {
        const expected = this.recent.find((r) => r.revision === msg.revision) ?? this.latest();
        if (expected && expected.revision === msg.revision && expected.config !== null && expected.hash !== msg.hash) {
          // The worker runs something else than the admin stored: correct it with a snapshot.
          const latest = this.latest();
          if (latest) this.sendSnapshot(conn, latest);
          return;
        }
        conn.applied = msg.revision;
        const started = conn.pushStarted.get(msg.revision);
        for (const k of conn.pushStarted.keys()) if (k <= msg.revision) conn.pushStarted.delete(k);
        if (started !== undefined) {
          conn.lastPushMs = performance.now() - started;
          this.pushLatencies.push(conn.lastPushMs);
          if (this.pushLatencies.length > 1000) this.pushLatencies.splice(0, 500);
        }
        for (const w of this.waiters) {
          if (w.revision <= msg.revision && w.pending.delete(conn)) {
            w.outcome.acked.push(conn.id);
            if (w.pending.size === 0) w.done();
          }
        }
        this.emit('revision', { revision: msg.revision, node: conn.id, applied_ms: msg.applied_ms });
        return;
      }
      case 'nack': {
        conn.lastNack = { revision: msg.revision, error: msg.error, code: msg.code, path: msg.path, at: new Date().toISOString() };
        for (const w of this.waiters) {
          if (w.revision === msg.revision && w.pending.delete(conn)) {
            w.outcome.failed.push({ node: conn.id, error: msg.error, code: msg.code, ...(msg.path ? { path: msg.path } : {}) });
            if (w.pending.size === 0) w.done();
          }
        }
        this.emit('nack', { node: conn.id, ...conn.lastNack });
        return;
      }
      case 'resync': {
        const latest = this.latest();
        if (latest) this.sendSnapshot(conn, latest);
        return;
      }
      case 'stats':
        conn.stats = msg.upstreams;
        conn.activeRequests = typeof msg['active_requests'] === 'number' ? (msg['active_requests'] as number) : 0;
        {
          // Workers leave out hosts that are idle and healthy, so an address that disappears
          // from the list is healthy again.
          const seen = new Set<string>();
          for (const u of msg.upstreams) {
            seen.add(u.address);
            const before = conn.health.get(u.address);
            conn.health.set(u.address, u.healthy);
            if (before !== undefined && before !== u.healthy) this.emit('health', { node: conn.id, address: u.address, healthy: u.healthy });
          }
          for (const [address, before] of conn.health) {
            if (seen.has(address)) continue;
            conn.health.delete(address);
            if (before === false) this.emit('health', { node: conn.id, address, healthy: true });
          }
        }
        this.emit('stats', conn.id, msg);
        this.answered(conn, msg['request_id']);
        return;
      case 'closed':
        this.answered(conn, msg.request_id, { requests: msg.requests, upgraded: msg.upgraded });
        return;
      case 'ping':
        this.send(conn, { type: 'pong', t: msg.t });
        return;
      case 'pong':
      case 'hello':
        return;
    }
  }

  private heartbeat(): void {
    const now = Date.now();
    for (const c of this.conns) {
      if (now - c.lastFrame > (this.o.deadMs ?? HEARTBEAT_TIMEOUT_MS)) {
        c.ws.terminate();
        continue;
      }
      this.send(c, { type: 'ping', t: now });
    }
  }

  private refuse(ws: WebSocket, code: string, message: string): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage({ type: 'error', code, message }));
    const close = code === 'PROTO_ERR_UNAUTHORIZED' ? CloseCode.UNAUTHORIZED : code === 'PROTO_ERR_VERSION' ? CloseCode.VERSION_MISMATCH : CloseCode.PROTOCOL_ERROR;
    ws.close(close, message.slice(0, 120));
  }

  private send(conn: Conn, msg: AdminMessage): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(encodeMessage(msg));
  }
}

function sameToken(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** A snapshot's config and hash; an unloaded config (null) travels as the empty document. */
function snapshotBody(rev: HubRevision): { config: Record<string, unknown>; hash: string } {
  if (rev.config === null || rev.config === undefined) return { config: {}, hash: configHash({}) };
  return { config: rev.config as Record<string, unknown>, hash: rev.hash };
}
