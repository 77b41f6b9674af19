'use strict';
/**
 * Simulated proxy workers: WebSocket connections to the admin's config hub (ws://ADMIN/proxy/ws)
 * that speak protocol v1 (docs/protocol.md) with @switchyard/shared's own functions: hello,
 * then answer every snapshot/diff with an ack after checking the hash, like a real worker
 * minus the runtime build. Each config frame is logged with its size and arrival time
 * (epoch ms, sub-ms precision, comparable across processes on this machine).
 *
 * In-process: `new SimWorker({url, nodeId, workerId}).start()`.
 * In a child process (so the simulators' CPU does not sit in the measuring loop):
 * `startSimFleet({url, count})` -> {report(), stop()}.
 */
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');
const shared = require(path.join(__dirname, '..', '..', 'libs', 'shared', 'dist'));

const now = () => performance.timeOrigin + performance.now();

class SimWorker {
  constructor({ url, nodeId, workerId = 1 }) {
    this.url = url;
    this.nodeId = nodeId;
    this.workerId = workerId;
    this.doc = undefined;
    this.revision = null;
    this.hash = null;
    /** One entry per snapshot/diff: {type, revision, from, bytes, at, applyMs, ok}. */
    this.frames = [];
    this.waiters = [];
  }

  start() {
    const ws = new WebSocket(this.url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    this.ws = ws;
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.pinger = setInterval(() => this.send({ type: 'ping', t: Date.now() }), 2000);
    this.pinger.unref();
    ws.on('close', () => clearInterval(this.pinger));
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        this.send({ type: 'hello', v: shared.PROTOCOL_VERSION, node_id: this.nodeId, host: os.hostname(), pid: process.pid,
          worker_id: this.workerId, revision: null, config_hash: null });
        resolve(this);
      });
      ws.once('error', reject);
    });
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(shared.encodeMessage(msg));
  }

  onFrame(data, isBinary) {
    const at = now();
    const bytes = data.length;
    if (isBinary) return;
    const msg = shared.parseMessage(data.toString('utf8'), 'admin');
    if (msg.type === 'ping') return this.send({ type: 'pong', t: msg.t });
    if (msg.type === 'snapshot') {
      const t0 = performance.now();
      const hash = shared.configHash(msg.config);
      if (hash !== msg.hash) return this.send({ type: 'nack', revision: msg.revision, error: 'hash mismatch', code: 'PROTO_ERR_HASH_MISMATCH', path: null });
      this.install(msg.config, msg.revision, hash, { type: 'snapshot', revision: msg.revision, from: null, bytes, at, applyMs: performance.now() - t0 });
    } else if (msg.type === 'diff') {
      if (this.doc === undefined || msg.from !== this.revision) return this.send({ type: 'resync', have: this.revision, reason: 'gap' });
      const t0 = performance.now();
      let next;
      try {
        next = shared.applyPatch(this.doc, msg.patch);
      } catch {
        return this.send({ type: 'resync', have: this.revision, reason: 'patch_failed' });
      }
      const hash = shared.configHash(next);
      if (hash !== msg.hash) return this.send({ type: 'resync', have: this.revision, reason: 'hash_mismatch' });
      this.install(next, msg.to, hash, { type: 'diff', revision: msg.to, from: msg.from, bytes, at, applyMs: performance.now() - t0 });
    }
  }

  install(doc, revision, hash, frame) {
    this.doc = doc;
    this.revision = revision;
    this.hash = hash;
    this.frames.push(frame);
    this.send({ type: 'ack', revision, hash, applied_ms: frame.applyMs });
    this.waiters = this.waiters.filter((w) => (revision >= w.rev ? (w.resolve(), false) : true));
  }

  /** Resolves once this simulator acked `rev` or later. */
  waitRevision(rev, ms = 30_000) {
    if (this.revision !== null && this.revision >= rev) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.nodeId} never reached revision ${rev} (at ${this.revision})`)), ms);
      this.waiters.push({ rev, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  /** Resolves once any config frame arrived (the admin's first snapshot). */
  waitConfig(ms = 30_000) {
    return this.waitRevision(0, ms);
  }

  stop() {
    clearInterval(this.pinger);
    this.ws?.close(1000, 'bench done');
  }
}

/** Fork a child holding `count` simulators; resolves when each has acked a first snapshot. */
function startSimFleet({ url, count, prefix = 'bench-sim' }) {
  const child = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (msg, want) => new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.error) reject(new Error(m.error));
      else if (m.kind === want) resolve(m);
      else return;
      child.off('message', on);
    };
    child.on('message', on);
    child.send(msg);
  });
  return ask({ cmd: 'start', url, count, prefix }, 'ready').then(() => ({
    pid: child.pid,
    /** Every simulator's frames: [[frame, ...], ...]. */
    report: () => ask({ cmd: 'report' }, 'report').then((m) => m.frames),
    stop: () => new Promise((r) => {
      child.once('exit', r);
      child.send({ cmd: 'stop' });
    }),
  }));
}

if (require.main === module) {
  let sims = [];
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m) => {
    try {
      if (m.cmd === 'start') {
        sims = Array.from({ length: m.count }, (_, i) => new SimWorker({ url: m.url, nodeId: `${m.prefix}-${i}`, workerId: 1 }));
        await Promise.all(sims.map((s) => s.start()));
        await Promise.all(sims.map((s) => s.waitConfig()));
        process.send({ kind: 'ready' });
      } else if (m.cmd === 'report') {
        process.send({ kind: 'report', frames: sims.map((s) => s.frames) });
      } else if (m.cmd === 'stop') {
        for (const s of sims) s.stop();
        setTimeout(() => process.exit(0), 200);
      }
    } catch (e) {
      process.send({ error: e.message });
    }
  });
}

module.exports = { SimWorker, startSimFleet, now };
