import os from 'node:os';
import WebSocket from 'ws';
import {
  applyPatch, configHash, encodeMessage, parseMessage, CloseCode, PROTOCOL_VERSION, HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS,
  type AdminMessage, type WorkerMessage, type UpstreamStats,
} from '@switchyard/shared';
import type { ProxyWorker } from '../runtime/worker';
import { readCache, writeCache } from './cache';
import { collectStats } from './stats';
import { closeUpgraded } from '../forward/upgrade';

export interface AdminClientOptions {
  /** ws:// URL of the admin's proxy endpoint, e.g. ws://127.0.0.1:2019/proxy/ws */
  url: string;
  token?: string;
  nodeId: string;
  workerId: number;
  cacheFile?: string;
  worker: ProxyWorker;
  /** Heartbeat: ping every `pingMs`; the peer is dead after `deadMs` without a frame. */
  pingMs?: number;
  deadMs?: number;
  statsMs?: number;
  log?: (msg: string) => void;
}

/**
 * A worker's link to the admin: says hello with the revision it serves, applies snapshots and
 * diffs (validate, build, swap), ACKs or NACKs each, asks for a snapshot on a gap or a hash
 * mismatch, reports stats, and reconnects with jittered back-off. While disconnected the
 * worker keeps serving its last applied revision (also restored from the cache file at start).
 */
export class AdminClient {
  private ws: WebSocket | undefined;
  private doc: Record<string, unknown> | undefined;
  private revision: number | null = null;
  private hash: string | null = null;
  private attempt = 0;
  private stopped = false;
  private lastFrame = 0;
  private timers: NodeJS.Timeout[] = [];
  private lastStatsKey = '';
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: AdminClientOptions) {}

  get appliedRevision(): number | null {
    return this.revision;
  }

  /** Serve the cached revision (if any), then connect. */
  async start(): Promise<void> {
    const cached = readCache(this.o.cacheFile);
    if (cached) {
      try {
        await this.o.worker.apply(cached.config, cached.revision, cached.hash);
        this.doc = cached.config;
        this.revision = cached.revision;
        this.hash = cached.hash;
        this.o.log?.(`serving cached revision ${cached.revision}`);
      } catch (e) {
        this.o.log?.(`cached revision ${cached.revision} rejected: ${(e as Error).message}`);
      }
    }
    this.connect();
    const statsEvery = this.o.statsMs ?? 250;
    this.timers.push(setInterval(() => this.sendStats(false), statsEvery));
    this.timers.push(setInterval(() => this.sendStats(true), 5000));
    this.timers.push(setInterval(() => this.heartbeat(), this.o.pingMs ?? HEARTBEAT_INTERVAL_MS));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.ws?.close(CloseCode.NORMAL, 'worker stopping');
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.o.url, { perMessageDeflate: false, handshakeTimeout: 5000 });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.lastFrame = Date.now();
      this.send({
        type: 'hello', v: PROTOCOL_VERSION, node_id: this.o.nodeId, host: os.hostname(), pid: process.pid,
        worker_id: this.o.workerId, revision: this.revision, config_hash: this.hash,
        ...(this.o.token ? { token: this.o.token } : {}),
      });
      this.lastStatsKey = '';
    });
    ws.on('message', (data) => {
      this.lastFrame = Date.now();
      let msg: AdminMessage;
      try {
        msg = parseMessage(data.toString(), 'admin') as AdminMessage;
      } catch (e) {
        this.o.log?.(`bad frame from admin: ${(e as Error).message}`);
        return;
      }
      this.chain = this.chain.then(() => this.onMessage(msg));
    });
    ws.on('error', () => {
      /* 'close' follows and schedules the reconnect */
    });
    ws.on('close', (code) => {
      if (this.ws === ws) this.ws = undefined;
      if (this.stopped || code === CloseCode.SUPERSEDED) return;
      const delay = Math.random() * Math.min(5000, 100 * 2 ** Math.min(this.attempt++, 6));
      setTimeout(() => this.connect(), delay).unref();
    });
  }

  private async onMessage(msg: AdminMessage): Promise<void> {
    switch (msg.type) {
      case 'snapshot':
        if (configHash(msg.config) !== msg.hash) {
          // Corruption or a bug: a resync would loop, so refuse this revision and keep serving.
          return this.send({ type: 'nack', revision: msg.revision, error: 'snapshot does not match its hash', code: 'PROTO_ERR_HASH_MISMATCH', path: null });
        }
        return this.install(msg.config, msg.revision, msg.hash);
      case 'diff': {
        if (this.doc === undefined || msg.from !== this.revision) {
          return this.send({ type: 'resync', have: this.revision, reason: `diff from ${msg.from} but serving ${this.revision}` });
        }
        let next: Record<string, unknown>;
        try {
          next = applyPatch(this.doc, msg.patch) as Record<string, unknown>;
        } catch (e) {
          return this.send({ type: 'resync', have: this.revision, reason: `patch does not apply: ${(e as Error).message}` });
        }
        if (configHash(next) !== msg.hash) {
          return this.send({ type: 'resync', have: this.revision, reason: 'hash mismatch after patch' });
        }
        return this.install(next, msg.to, msg.hash);
      }
      case 'ping':
        return this.send({ type: 'pong', t: msg.t });
      case 'pong':
        return;
      case 'error':
        this.o.log?.(`admin refused: ${msg.code}: ${msg.message}`);
        return;
      case 'stats_request':
        this.sendStats(true, msg.request_id);
        return;
      case 'close_upstream': {
        const host = this.o.worker.registry.peek(msg.address);
        let requests = 0;
        if (host) {
          const aborts = [...host.aborts];
          requests = aborts.length;
          for (const a of aborts) a.cut();
        }
        const upgraded = closeUpgraded(this.o.worker.registry, msg.address);
        this.send({ type: 'closed', request_id: msg.request_id, address: msg.address, requests, upgraded });
        this.sendStats(true);
        return;
      }
    }
  }

  private async install(config: Record<string, unknown>, revision: number, hash: string): Promise<void> {
    const t0 = performance.now();
    try {
      await this.o.worker.apply(config, revision, hash);
    } catch (e) {
      const err = e as { code?: string; message: string; path?: string };
      this.send({ type: 'nack', revision, error: err.message, code: err.code ?? 'PRX_ERR_APPLY', path: err.path ?? null });
      return;
    }
    this.doc = config;
    this.revision = revision;
    this.hash = hash;
    this.send({ type: 'ack', revision, hash, applied_ms: performance.now() - t0 });
    this.sendStats(true);
    writeCache(this.o.cacheFile, { revision, hash, config });
  }

  private heartbeat(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastFrame > (this.o.deadMs ?? HEARTBEAT_TIMEOUT_MS)) {
      ws.terminate();
      return;
    }
    this.send({ type: 'ping', t: Date.now() });
  }

  private sendStats(force: boolean, requestId?: number): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const upstreams: UpstreamStats[] = collectStats(this.o.worker);
    const key = upstreams.map((u) => `${u.address}:${u.in_flight}:${u.upgraded}:${u.fails}:${u.healthy}`).join('|');
    if (!force && key === this.lastStatsKey) return;
    this.lastStatsKey = key;
    this.send({
      type: 'stats', revision: this.revision, at: Date.now(), upstreams, active_requests: this.o.worker.activeRequests,
      ...(requestId !== undefined ? { request_id: requestId } : {}),
    });
  }

  private send(msg: WorkerMessage): void {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(msg));
  }
}
