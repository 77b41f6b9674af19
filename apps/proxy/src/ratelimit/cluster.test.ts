import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import path from 'node:path';
import { request } from '../placeholders/harness';
import { attachRateLimitCoordinator, type RateLimitCoordinator } from './primary';

// Two real node:cluster workers share one port (round-robin hand-off, so both serve traffic);
// this test process is their primary and runs the coordinator, as the supervisor does.
const RATE = 50;
const ok = (worker: string) => ({ handler: 'static_response', headers: { 'X-Worker': [worker] }, body: 'ok' });
const ROUTES = [
  { match: [{ host: ['rate.test'] }], handle: [{ handler: 'rate_limit', zone: 'rate', rate: RATE, burst: RATE }, ok('{env.SY_WORKER}')], terminal: true },
  {
    match: [{ host: ['conc.test'] }],
    handle: [{ handler: 'rate_limit', zone: 'conc', rate: 1000, max_concurrent: 2 }, { handler: 'delay', ms: 400 }, ok('{env.SY_WORKER}')],
    terminal: true,
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits hold for the whole node across two workers', () => {
  let coordinator: RateLimitCoordinator;
  const workers: Worker[] = [];
  let port = 0;

  before(async () => {
    cluster.schedulingPolicy = cluster.SCHED_RR;
    coordinator = attachRateLimitCoordinator(cluster);
    cluster.setupPrimary({ exec: path.join(__dirname, 'fixture-worker.js'), execArgv: [], silent: false });
    const ports = await Promise.all([1, 2].map((n) => new Promise<number>((resolve, reject) => {
      const w = cluster.fork({ SY_RL_ROUTES: JSON.stringify(ROUTES), SY_WORKER: `w${n}` });
      workers.push(w);
      w.on('message', (m: { type?: string; port?: number }) => m?.type === 'fixture-listening' && resolve(m.port!));
      w.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    })));
    assert.equal(ports[0], ports[1]);
    port = ports[0]!;
  });

  after(async () => {
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      w.removeAllListeners('exit');
      w.once('exit', () => resolve());
      w.kill();
    })));
    coordinator.detach();
  });

  test(`rate ${RATE}/s burst ${RATE} for 3 s admits burst + rate x time within 10%`, async (t) => {
    // 8 keep-alive connections, spread over both workers, each sending ~40 requests/s
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const admittedBy: Record<string, number> = {};
    let admitted = 0;
    let refused = 0;
    let badRetryAfter = 0;
    const start = performance.now();
    let last = start;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (performance.now() - start < 3000) {
        last = performance.now();
        const r = await request(port, '/', { headers: { host: 'rate.test' }, agent });
        if (r.status === 200) {
          admitted++;
          const w = String(r.headers['x-worker']);
          admittedBy[w] = (admittedBy[w] ?? 0) + 1;
        } else if (r.status === 429) {
          refused++;
          if (r.headers['retry-after'] !== '1') badRetryAfter++;
        } else assert.fail(`unexpected status ${r.status}`);
        await sleep(25);
      }
    }));
    agent.destroy();
    const seconds = (last - start) / 1000;
    const expected = RATE + RATE * seconds;
    const ratio = admitted / expected;
    t.diagnostic(`admitted ${admitted} (${JSON.stringify(admittedBy)}), refused ${refused}, expected ${expected.toFixed(1)}, ratio ${ratio.toFixed(3)}`);
    assert.ok(refused > admitted, 'the client sent well above the limit');
    assert.ok(Object.keys(admittedBy).length === 2 && Object.values(admittedBy).every((n) => n > 10), `both workers admitted traffic: ${JSON.stringify(admittedBy)}`);
    assert.ok(ratio > 0.9 && ratio < 1.1, `admitted ${admitted} vs expected ${expected.toFixed(1)}`);
    assert.equal(badRetryAfter, 0);
  });

  test('max_concurrent 2 holds across workers: 2 of 6 simultaneous requests pass, then a slot frees', async (t) => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => request(port, '/', { headers: { host: 'conc.test' } })));
    const codes = replies.map((r) => r.status).sort();
    assert.deepEqual(codes, [200, 200, 429, 429, 429, 429]);
    const servedBy = new Set(replies.filter((r) => r.status === 200).map((r) => r.headers['x-worker']));
    t.diagnostic(`admitted by ${[...servedBy].join(', ')}`);
    assert.equal((await request(port, '/', { headers: { host: 'conc.test' } })).status, 200);
  });
});
