import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { startUpstream } from './testkit';

/** 1 GiB each way through a real proxy process; its RSS must stay flat (streaming with backpressure). */
const TOTAL = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const LIMIT = 100 * 1024 * 1024;

const cleanup: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** Write `total` bytes of CHUNK into `w`, honouring write() === false. */
function pump(w: NodeJS.WritableStream, total: number, done: () => void): void {
  let left = total;
  const go = (): void => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const ok = w.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!ok) {
        w.once('drain', go);
        return;
      }
    }
    done();
  };
  go();
}

/**
 * The receiving end stops reading for a while once data flows, so the proxy must hold off its
 * sender (a proxy that ignored backpressure would buffer everything sent meanwhile).
 */
const STALL_MS = 1500;
function stall(r: NodeJS.ReadableStream): void {
  r.once('data', () => {
    r.pause();
    setTimeout(() => r.resume(), STALL_MS);
  });
}

function rssOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { rss: number }) => resolve(m.rss));
    child.send('rss');
  });
}

/** Sample the child's RSS every 100 ms while `work` runs; returns the peak. */
async function peakRss(child: ChildProcess, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await rssOf(child));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await work;
  running = false;
  await sampler;
  return peak;
}

test('1 GiB upload and 1 GiB download through the proxy keep its RSS flat', { timeout: 60_000 }, async () => {
  const up = await startUpstream((req, res) => {
    if (req.method === 'POST') {
      let n = 0;
      stall(req);
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(String(n)));
      return;
    }
    const size = Number(new URL(req.url!, 'http://x').searchParams.get('size'));
    res.writeHead(200, { 'content-length': String(size) });
    pump(res, size, () => res.end());
  });
  cleanup.push(() => up.close());
  const child = fork(path.join(__dirname, 'testkit-child.js'), [JSON.stringify({ upstreams: [{ dial: up.address }] })], { execArgv: ['--expose-gc'], stdio: 'inherit' });
  cleanup.push(() => child.kill());
  const { port } = await new Promise<{ port: number }>((r) => child.once('message', r as (m: unknown) => void));
  const agent = new http.Agent({ keepAlive: true });
  cleanup.push(() => agent.destroy());

  const download = (size: number): Promise<number> =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: `/down?size=${size}`, agent }, (res) => {
        let n = 0;
        stall(res);
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
        res.on('error', reject);
      }).on('error', reject);
    });
  const upload = (size: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/up', agent, headers: { 'content-length': String(size) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(Number(body)));
      });
      req.on('error', reject);
      pump(req, size, () => req.end());
    });

  // Warm up pools, JIT and buffers so the baseline is the steady state.
  assert.equal(await download(8 * 1024 * 1024), 8 * 1024 * 1024);
  assert.equal(await upload(8 * 1024 * 1024), 8 * 1024 * 1024);
  const base = await rssOf(child);

  let got = 0;
  const downPeak = await peakRss(child, download(TOTAL).then((n) => (got = n)));
  assert.equal(got, TOTAL);
  const upPeak = await peakRss(child, upload(TOTAL).then((n) => (got = n)));
  assert.equal(got, TOTAL);
  const growth = Math.max(downPeak, upPeak) - base;
  if (process.env.SWITCHYARD_TEST_VERBOSE) console.log({ base, downPeak, upPeak });
  assert.ok(growth < LIMIT, `proxy RSS grew by ${(growth / 1048576).toFixed(1)} MiB (base ${(base / 1048576).toFixed(1)} MiB)`);
});
