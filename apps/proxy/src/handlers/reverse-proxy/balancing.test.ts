import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { fetchText, reverseProxy, startProxy, startUpstream, type TestServer } from '../../forward/testkit';
import { HostRegistry } from '../../upstream/registry';
import { slowStartWeight } from './member';

const cleanup: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c.close();
});
function track<T extends { close(): Promise<void> | void }>(t: T): T {
  cleanup.push(t);
  return t;
}

/** Upstreams that answer with their own name; `/health` answers `health[name]`. */
async function named(names: string[], health: Record<string, number> = {}): Promise<Record<string, TestServer>> {
  const out: Record<string, TestServer> = {};
  for (const n of names) {
    out[n] = track(
      await startUpstream((req, res) => {
        if (req.url === '/health') {
          res.statusCode = health[n] ?? 200;
          res.end();
          return;
        }
        res.end(n);
      }),
    );
  }
  return out;
}

async function tally(url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await fetchText(url);
    const key = r.status === 200 ? r.body : String(r.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('load balancing through real sockets', () => {
  test('round_robin visits upstreams in Caddy order (first pick is index 1)', async () => {
    const u = await named(['a', 'b', 'c']);
    const h = reverseProxy({ upstreams: [{ dial: u.a!.address }, { dial: u.b!.address }, { dial: u.c!.address }], load_balancing: { selection_policy: { policy: 'round_robin' } } });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) order.push((await fetchText(px.url)).body);
    assert.deepEqual(order, ['b', 'c', 'a', 'b', 'c', 'a']);
  });

  test('weighted_round_robin follows weights; upstream.weight overrides weights[i]', async () => {
    const u = await named(['a', 'b', 'c']);
    const h = reverseProxy({
      upstreams: [{ dial: u.a!.address }, { dial: u.b!.address }, { dial: u.c!.address, weight: 2 }],
      load_balancing: { selection_policy: { policy: 'weighted_round_robin', weights: [5, 1, 9] } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.deepEqual(await tally(px.url, 160), { a: 100, b: 20, c: 40 });
  });

  test('backup upstreams get traffic only while every primary is down (active health)', async () => {
    const health: Record<string, number> = { p: 200 };
    const u = await named(['p', 'bk'], health);
    const h = reverseProxy({
      upstreams: [{ dial: u.p!.address }, { dial: u.bk!.address, backup: true }],
      health_checks: { active: { uri: '/health', interval: '50ms', timeout: '1s' } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.deepEqual(await tally(px.url, 10), { p: 10 });
    health['p'] = 503;
    await waitFor(() => h.registry.peek(u.p!.address)!.activeHealthy === false);
    assert.deepEqual(await tally(px.url, 10), { bk: 10 });
    health['p'] = 200;
    await waitFor(() => h.registry.peek(u.p!.address)!.activeHealthy === true);
    assert.deepEqual(await tally(px.url, 10), { p: 10 });
  });

  test('cookie policy: the Set-Cookie of the first answer pins the client to its upstream', async () => {
    const u = await named(['a', 'b', 'c']);
    const h = reverseProxy({
      upstreams: [{ dial: u.a!.address }, { dial: u.b!.address }, { dial: u.c!.address }],
      load_balancing: { selection_policy: { policy: 'cookie', name: 'lb', secret: 's3cret' } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const first = await fetchText(px.url);
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /^lb=[0-9a-f]{64}; Path=\/$/);
    const cookie = setCookie.split(';')[0]!;
    for (let i = 0; i < 10; i++) {
      const r = await fetchText(px.url, { headers: { cookie } });
      assert.equal(r.body, first.body);
      assert.equal(r.headers['set-cookie'], undefined);
    }
  });

  test('max_requests caps in-flight requests per upstream; a full pool answers 503', async () => {
    const held: ServerResponse[] = [];
    let holding = true;
    const up = track(await startUpstream((_req, res) => (holding ? held.push(res) : res.end('ok'))));
    const h = reverseProxy({ upstreams: [{ dial: up.address, max_requests: 2 }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const slow = [fetchText(px.url), fetchText(px.url)];
    await waitFor(() => held.length === 2);
    const third = await fetchText(px.url);
    assert.equal(third.status, 503);
    assert.equal(h.registry.peek(up.address)!.inFlight, 2);
    holding = false;
    for (const r of held) r.end('ok');
    for (const r of await Promise.all(slow)) assert.equal(r.status, 200);
    assert.equal((await fetchText(px.url)).status, 200);
  });

  test('draining, drained and disabled upstreams receive no new requests', async () => {
    const u = await named(['a', 'b', 'c', 'd']);
    const h = reverseProxy({
      upstreams: [{ dial: u.a!.address }, { dial: u.b!.address, state: 'draining' }, { dial: u.c!.address, state: 'drained' }, { dial: u.d!.address, state: 'disabled' }],
      load_balancing: { selection_policy: { policy: 'round_robin' } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.deepEqual(await tally(px.url, 8), { a: 8 });
  });

  test('slow start: a newly added upstream ramps from a small share to its full weight', async () => {
    const u = await named(['old', 'new']);
    const registry = new HostRegistry();
    // "old" has been available for a while; "new" appears with this config.
    registry.get(u.old!.address).availableSince = performance.now() - 60_000;
    const h = reverseProxy(
      {
        upstreams: [{ dial: u.old!.address }, { dial: u.new!.address }],
        load_balancing: { selection_policy: { policy: 'weighted_round_robin' }, slow_start: '1500ms' },
      },
      registry,
    );
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const t0 = registry.peek(u.new!.address)!.availableSince;
    const early = await tally(px.url, 40);
    // The share can only have grown during the batch: bound it by the weight at its end.
    const w = slowStartWeight(1, 1500, performance.now() - t0);
    const bound = Math.ceil((40 * w) / (1 + w)) + 1;
    assert.ok(w < 1, 'the batch finished within the ramp');
    assert.ok((early['new'] ?? 0) <= bound, `new got ${early['new']} of 40, at most ${bound} expected while ramping`);
    assert.ok((early['new'] ?? 0) >= 2, `new got ${early['new']} of 40: the ramp starts at 10%, not 0`);
    await new Promise((r) => setTimeout(r, Math.max(0, 1600 - (performance.now() - t0))));
    const late = await tally(px.url, 60);
    // Full weight: an even split (smooth WRR may carry one pick of lag from the ramp).
    assert.ok(Math.abs((late['new'] ?? 0) - 30) <= 1, `new got ${late['new']} of 60 after the ramp`);
  });
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
