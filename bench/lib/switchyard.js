'use strict';
/**
 * Start and drive a real `switchyard` process (bin/switchyard.js) for the benchmarks: a free
 * admin port, a fresh data directory, the JSON announcements on stdout, and a small HTTP
 * client for the admin API over one keep-alive agent (so a write's round trip is the admin's
 * time, not a TCP handshake).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'switchyard.js');
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start `switchyard <command>` (run: admin + workers; admin: the admin alone; proxy: workers
 * from a config file). Resolves once the admin listens and the workers reported ready.
 * `nodeArgs` go before the script (e.g. --cpu-prof, which NODE_OPTIONS refuses); the cluster
 * workers inherit them through process.execArgv.
 */
async function startSwitchyard({ command = 'run', workers = 1, configFile, nodeArgs = [], grace = 2000, log = false } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
  const argv = [...nodeArgs, BIN, command, '--data', dataDir, '--grace', String(grace)];
  let adminPort = null;
  if (command === 'run' || command === 'admin') {
    adminPort = await freePort();
    argv.push('--admin', `127.0.0.1:${adminPort}`);
  }
  if (command !== 'admin') argv.push('--workers', String(workers));
  if (configFile) argv.push('--config', configFile);
  const proc = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-20000);
    if (log) process.stderr.write(d);
  });
  const exited = new Promise((r) => proc.once('exit', (code, sig) => r(code ?? sig)));
  const info = { url: adminPort ? `http://127.0.0.1:${adminPort}` : null, pids: [] };
  const wantWorkers = command !== 'admin';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchyard ${command} did not start within 60 s; stderr:\n${stderr}`)), 60_000);
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      let ev;
      try {
        ev = JSON.parse(line);
      } catch {
        return;
      }
      if (ev.event === 'listening' && ev.url) info.url = ev.url;
      if (ev.event === 'workers' && Array.isArray(ev.pids)) info.pids = ev.pids;
      if (info.url !== null && (!wantWorkers || info.pids.length > 0)) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard ${command} exited (${code}) before it was ready; stderr:\n${stderr}`));
    });
  });
  return {
    proc,
    pid: proc.pid,
    url: info.url,
    pids: info.pids,
    dataDir,
    stderr: () => stderr,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), grace + 10_000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One HTTP request to the admin; resolves {status, headers, body, ms} (ms: round trip). */
function adminRequest(base, method, urlPath, body) {
  const u = new URL(urlPath, base);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({
          status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'),
          ms: Number(process.hrtime.bigint() - t0) / 1e6,
        }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST /load; throws unless the admin answers 2xx. */
async function loadConfig(base, doc, query = '') {
  const r = await adminRequest(base, 'POST', `/load${query}`, doc);
  if (r.status < 200 || r.status >= 300) throw new Error(`POST /load answered ${r.status}: ${r.body.slice(0, 500)}`);
  return { ...r, revision: Number(r.headers['switchyard-revision'] ?? NaN) };
}

/**
 * GET /proxies as an array, whatever the envelope ({proxies: [...]} or a bare array); null
 * when this admin has no such endpoint (404), so callers can fall back to the write's 200.
 */
async function proxies(base) {
  const r = await adminRequest(base, 'GET', '/proxies');
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`GET /proxies answered ${r.status}: ${r.body.slice(0, 300)}`);
  const doc = JSON.parse(r.body);
  return Array.isArray(doc) ? doc : Array.isArray(doc.proxies) ? doc.proxies : Array.isArray(doc.workers) ? doc.workers : [];
}

/** Poll until `fn()` is truthy (returns its value) or `ms` pass (throws). */
async function eventually(fn, ms = 15_000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Wait until `count` workers report applied_revision >= rev; returns the /proxies rows ([] when
 * the admin has no /proxies: then the write's 200, which waits for every ACK, is all we know).
 */
function waitApplied(base, rev, count, ms = 15_000) {
  return eventually(async () => {
    const ps = await proxies(base);
    if (ps === null) return [];
    return ps.length >= count && ps.every((p) => (p.applied_revision ?? -1) >= rev) ? ps : null;
  }, ms, `${count} workers at revision ${rev}`);
}

module.exports = { ROOT, BIN, freePort, startSwitchyard, adminRequest, loadConfig, proxies, eventually, waitApplied };
