import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { eventually, freePort, startSwitchyard, startUpstreams, tempDir, type Running, type Upstream } from '../helpers/switchyard-all';

/** An upstream that answers `name` after `delay` ms with `status`, both changeable by the test; /health is always 200. */
interface Tunable { dial: string; name: string; hits: number; delay: number; status: number; close(): Promise<void> }

async function tunable(name: string): Promise<Tunable> {
  const t = { hits: 0, delay: 0, status: 200 };
  const server = http.createServer((req, res) => {
    req.resume();
    // Health probes are not traffic.
    if (req.url === '/health') return void res.end('ok');
    t.hits++;
    const answer = () => {
      res.writeHead(t.status);
      res.end(name);
    };
    if (t.delay > 0) setTimeout(answer, t.delay);
    else answer();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(t, {
    dial: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    name,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}

/** `n` GETs over `connections` keep-alive connections; counts responses by body. */
async function spread(port: number, n: number, connections = 8, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1 });
  const counts = new Map<string, number>();
  let left = n;
  const loop = async () => {
    while (left > 0) {
      left--;
      const res = await pool.request({ path: '/', method: 'GET', headers });
      const body = await res.body.text();
      const key = res.statusCode === 200 ? body : `status ${res.statusCode}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  await pool.close();
  return counts;
}

function get(port: number, p = '/', headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
  });
}

async function bodies(port: number, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await get(port, '/', headers)).body);
  return out;
}

const ACTIVE = { active: { uri: '/health', interval: '150ms', timeout: '1s' } };
const proxy = (port: number, handler: Record<string, unknown>) => ({
  listen: [`127.0.0.1:${port}`], routes: [{ handle: [{ handler: 'reverse_proxy', ...handler }] }],
});
const rp = (ups: Array<{ dial: string }>, policy: string, extra: Record<string, unknown> = {}) => ({
  upstreams: ups.map((u) => ({ dial: u.dial })), load_balancing: { selection_policy: { policy } }, ...extra,
});

describe('selection, health and limits through one real worker', () => {
  let sy: Running;
  const p: Record<string, number> = {};
  const t: Record<string, Tunable> = {};
  let hu: Upstream[];
  const name = (u: Upstream) => `hello from ${u.port}`;

  before(async () => {
    for (const n of ['r1', 'r2', 'r3', 'w1', 'w2', 'w3', 'b2', 'bk', 'm', 'f1', 'f2', 'c1', 'c2', 'c3', 'l1', 'l2', 'lc1', 'lc2', 'ss2']) t[n] = await tunable(n);
    hu = await startUpstreams(4); // active health: /health answers their settable healthStatus
    for (const k of ['rr', 'wrr', 'backup', 'max', 'active', 'passive', 'cookie', 'latency', 'lc', 'slowstart']) p[k] = await freePort();
    const weighted = [t['w1']!, t['w2']!, t['w3']!].map((u, i) => ({ dial: u.dial, weight: i + 1 }));
    const doc = { apps: { http: { servers: {
      rr: proxy(p['rr']!, rp([t['r1']!, t['r2']!, t['r3']!], 'round_robin')),
      wrr: proxy(p['wrr']!, { upstreams: weighted, load_balancing: { selection_policy: { policy: 'weighted_round_robin' } } }),
      backup: proxy(p['backup']!, {
        upstreams: [{ dial: hu[0]!.dial }, { dial: hu[1]!.dial }, { dial: t['bk']!.dial, backup: true }],
        load_balancing: { selection_policy: { policy: 'round_robin' } },
        health_checks: ACTIVE,
      }),
      max: proxy(p['max']!, { upstreams: [{ dial: t['m']!.dial, max_requests: 2 }] }),
      active: proxy(p['active']!, rp([hu[2]!, t['b2']!], 'round_robin', { health_checks: ACTIVE })),
      passive: proxy(p['passive']!, rp([t['f1']!, t['f2']!], 'round_robin', { health_checks: { passive: { fail_duration: '1s', max_fails: 1, unhealthy_status: [500] } } })),
      cookie: proxy(p['cookie']!, { upstreams: [t['c1']!, t['c2']!, t['c3']!].map((u) => ({ dial: u.dial })), load_balancing: { selection_policy: { policy: 'cookie', secret: 's3cret', fallback: { policy: 'round_robin' } } } }),
      latency: proxy(p['latency']!, rp([t['l1']!, t['l2']!], 'least_latency')),
      lc: proxy(p['lc']!, rp([t['lc1']!, t['lc2']!], 'least_conn')),
      slowstart: proxy(p['slowstart']!, {
        upstreams: [{ dial: hu[3]!.dial }, { dial: t['ss2']!.dial }],
        load_balancing: { selection_policy: { policy: 'weighted_round_robin' }, slow_start: '3s' },
        health_checks: ACTIVE,
      }),
    } } } };
    const file = path.join(tempDir('switchyard-proxy-balancing-'), 'config.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    sy = await startSwitchyard(['proxy', '--config', file, '--workers', '1']);
  });

  after(async () => {
    await sy?.stop();
    await Promise.all([...Object.values(t), ...(hu ?? [])].map((u) => u.close()));
  });

  test('round_robin: Caddy\'s order, first pick is index 1', async () => {
    assert.deepEqual(await bodies(p['rr']!, 7), ['r2', 'r3', 'r1', 'r2', 'r3', 'r1', 'r2']);
  });

  test('weighted_round_robin with upstream weights 1:2:3: smooth interleaving, shares within 5% over 6,000 requests', async () => {
    assert.deepEqual(await bodies(p['wrr']!, 6), ['w3', 'w2', 'w1', 'w3', 'w2', 'w3'], 'nginx smooth order, not runs');
    const counts = await spread(p['wrr']!, 6000);
    for (const [n, w] of [['w1', 1], ['w2', 2], ['w3', 3]] as const) {
      const want = (6000 * w) / 6;
      const got = counts.get(n) ?? 0;
      assert.ok(Math.abs(got - want) <= want * 0.05, `${n}: ${got} requests, want ${want} ±5% (${JSON.stringify([...counts])})`);
    }
  });

  test('backup: unused while a primary is healthy, takes all traffic when every primary fails its check, released when one recovers', async () => {
    const [a, b] = hu as [Upstream, Upstream];
    await new Promise((r) => setTimeout(r, 300)); // first checks done
    const normal = await bodies(p['backup']!, 20);
    assert.equal(t['bk']!.hits, 0, 'the backup got nothing');
    assert.ok(normal.every((x) => x === name(a) || x === name(b)));
    a.healthStatus = 503;
    await eventually(async () => (await bodies(p['backup']!, 4)).every((x) => x === name(b)), 3000, 'only b while a is down');
    assert.equal(t['bk']!.hits, 0, 'one healthy primary is enough to keep the backup idle');
    b.healthStatus = 503;
    await eventually(async () => (await get(p['backup']!)).body === 'bk', 3000, 'the backup to take over');
    assert.deepEqual(await bodies(p['backup']!, 10), new Array(10).fill('bk'));
    b.healthStatus = 200;
    await eventually(async () => (await bodies(p['backup']!, 4)).every((x) => x === name(b)), 3000, 'traffic back on the primary');
    a.healthStatus = 200;
  });

  test('max_requests: the upstream is full at 2 in flight, a third request gets 503, then it serves again', async () => {
    const m = t['m']!;
    m.delay = 1000;
    const slow = [get(p['max']!), get(p['max']!)];
    await eventually(() => m.hits === 2, 3000, 'two requests in flight');
    const t0 = performance.now();
    const third = await get(p['max']!);
    assert.equal(third.status, 503);
    assert.ok(performance.now() - t0 < 500, 'answered at once, not queued');
    assert.equal(m.hits, 2, 'the third never reached the upstream');
    assert.deepEqual((await Promise.all(slow)).map((r) => r.status), [200, 200]);
    m.delay = 0;
    assert.equal((await get(p['max']!)).status, 200);
  });

  test('active health: an upstream whose /health fails is removed, and restored when it passes again', async () => {
    const h = hu[2]!;
    const other = t['b2']!;
    await eventually(async () => new Set(await bodies(p['active']!, 4)).size === 2, 3000, 'both upstreams serving');
    h.healthStatus = 500;
    await eventually(async () => (await bodies(p['active']!, 6)).every((x) => x === 'b2'), 3000, 'the failing upstream removed');
    const hits = h.hits.filter((x) => x === '/').length;
    assert.deepEqual(await bodies(p['active']!, 10), new Array(10).fill('b2'));
    assert.equal(h.hits.filter((x) => x === '/').length, hits, 'no request reached it while unhealthy');
    assert.ok(other.hits >= 10);
    h.healthStatus = 200;
    await eventually(async () => (await bodies(p['active']!, 4)).includes(name(h)), 3000, 'the upstream restored');
  });

  test('passive health: a 500 takes the upstream out for fail_duration (1s), then it is back', async () => {
    const [f1, f2] = [t['f1']!, t['f2']!];
    f1.status = 500;
    // Round robin reaches f1 within two requests; its 500 is passed through and counted.
    const seen = await bodies(p['passive']!, 2);
    const failedAt = performance.now();
    f1.status = 200;
    assert.ok(seen.includes('f1'), 'the 500 reached the client');
    const hits = f1.hits;
    // Well inside fail_duration, everything goes to f2.
    while (performance.now() - failedAt < 700) assert.equal((await get(p['passive']!)).body, 'f2');
    assert.equal(f1.hits, hits, 'no request for f1 within fail_duration');
    assert.ok(f2.hits > 2);
    await eventually(async () => (await get(p['passive']!)).body === 'f1', 3000, 'f1 back after the failure expired');
    assert.ok(performance.now() - failedAt >= 950, 'not before fail_duration');
  });

  test('cookie: a new client gets an HMAC cookie, and that cookie keeps it on one upstream', async () => {
    const first = await get(p['cookie']!);
    const setCookie = String(first.headers['set-cookie']);
    const m = /^lb=([0-9a-f]{64}); Path=\//.exec(setCookie);
    assert.ok(m, `Set-Cookie lb=<hmac>: ${setCookie}`);
    const pinned = await bodies(p['cookie']!, 15, { cookie: `other=1; lb=${m[1]}` });
    assert.deepEqual(pinned, new Array(15).fill(first.body), 'every request with the cookie went to the same upstream');
    const again = await get(p['cookie']!, '/', { cookie: `lb=${m[1]}` });
    assert.equal(again.headers['set-cookie'], undefined, 'a valid cookie is not re-issued');
    // Without a cookie the round_robin fallback spreads new clients, each with its own cookie.
    const fresh = await Promise.all([0, 1, 2].map(() => get(p['cookie']!)));
    const byUpstream = new Map(fresh.map((r) => [r.body, String(r.headers['set-cookie'])]));
    assert.equal(byUpstream.size, 3, 'three new clients, three upstreams');
    for (const [body, c] of byUpstream) {
      const v = /^lb=([0-9a-f]{64})/.exec(c)![1]!;
      assert.deepEqual(await bodies(p['cookie']!, 3, { cookie: `lb=${v}` }), [body, body, body]);
    }
  });

  test('least_conn: concurrent long requests spread evenly; under uneven load the slow upstream gets little', async () => {
    const [a, b] = [t['lc1']!, t['lc2']!];
    a.delay = b.delay = 500;
    const held = await Promise.all([0, 1, 2, 3].map(() => get(p['lc']!)));
    assert.deepEqual(held.map((r) => r.body).sort(), ['lc1', 'lc1', 'lc2', 'lc2'], 'each new request went to the one with fewer in flight');
    b.delay = 0;
    a.delay = 150;
    const counts = await spread(p['lc']!, 300, 6);
    assert.ok((counts.get('lc1') ?? 0) < 300 * 0.15, `the slow upstream got ${counts.get('lc1') ?? 0} of 300`);
    a.delay = 0;
  });

  test('slow_start: an upstream that recovers ramps from about 10% of its share to all of it over 3s', async () => {
    const h = hu[3]!;
    const mine = name(h);
    await new Promise((r) => setTimeout(r, 3100)); // past the ramp every upstream starts with
    h.healthStatus = 500;
    await eventually(async () => (await bodies(p['slowstart']!, 4)).every((x) => x === 'ss2'), 3000, 'the upstream out');
    h.healthStatus = 200;
    const healed = performance.now(); // the recovery (and the ramp) starts after this
    await eventually(async () => (await get(p['slowstart']!)).body === mine, 3000, 'the first request after recovery');
    const recovered = performance.now();
    const early: string[] = [];
    while (performance.now() - recovered < 500) early.push((await get(p['slowstart']!)).body);
    const earlyShare = early.filter((x) => x === mine).length / early.length;
    // Its weight is at most 0.1 + 0.9 * elapsed / 3s by the end of the window (the other's is 1).
    const w = 0.1 + (0.9 * (performance.now() - healed)) / 3000;
    assert.ok(earlyShare > 0.02 && earlyShare <= w / (1 + w) + 0.05, `${(earlyShare * 100).toFixed(0)}% of ${early.length} requests soon after recovery, at most ${((100 * w) / (1 + w)).toFixed(0)}% expected (full share is 50%)`);
    await new Promise((r) => setTimeout(r, Math.max(0, 3200 - (performance.now() - recovered))));
    const late = await spread(p['slowstart']!, 400, 4);
    const lateShare = (late.get(mine) ?? 0) / 400;
    assert.ok(lateShare > 0.45 && lateShare < 0.55, `${(lateShare * 100).toFixed(0)}% after the ramp`);
  });

  test('least_latency: traffic shifts away from an upstream that becomes slow, within seconds', async () => {
    const [l1, l2] = [t['l1']!, t['l2']!];
    const before = await spread(p['latency']!, 400, 4);
    assert.ok((before.get('l1') ?? 0) > 40 && (before.get('l2') ?? 0) > 40, `both fast upstreams get traffic: ${JSON.stringify([...before])}`);
    l1.delay = 80;
    const t0 = performance.now();
    const hits1 = l1.hits;
    const after = await spread(p['latency']!, 400, 4);
    const slowShare = (after.get('l1') ?? 0) / 400;
    assert.ok(slowShare < 0.05, `the slow upstream got ${(slowShare * 100).toFixed(1)}% of 400 requests (${l1.hits - hits1} hits)`);
    assert.ok(performance.now() - t0 < 10_000);
    l1.delay = 0;
  });
});
