import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedAddress, fetchText, reverseProxy, startProxy, startRawUpstream, startUpstream, type TestServer } from '../../forward/testkit';

const cleanup: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c.close();
});
function track<T extends { close(): Promise<void> | void }>(t: T): T {
  cleanup.push(t);
  return t;
}

/** A raw upstream that reads a request head and resets the connection; counts requests seen. */
async function resetter(): Promise<TestServer & { seen: () => number }> {
  let seen = 0;
  const s = track(
    await startRawUpstream((sock) => {
      let buf = '';
      sock.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n\r\n')) {
          seen++;
          buf = '';
          sock.resetAndDestroy();
        }
      });
    }),
  );
  return Object.assign(s, { seen: () => seen });
}

async function ok(name: string): Promise<TestServer & { seen: () => number }> {
  let seen = 0;
  const s = track(
    await startUpstream((req, res) => {
      seen++;
      req.resume();
      req.on('end', () => res.end(name));
    }),
  );
  return Object.assign(s, { seen: () => seen });
}

describe('retries (Caddy semantics)', () => {
  test('a dial error is retried on another upstream and succeeds', async () => {
    const dead = await closedAddress();
    const live = await ok('live');
    const h = reverseProxy({
      upstreams: [{ dial: dead }, { dial: live.address }],
      load_balancing: { selection_policy: { policy: 'round_robin' }, retries: 1 },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    for (let i = 0; i < 6; i++) {
      const r = await fetchText(px.url, { method: i % 2 ? 'POST' : 'GET', body: i % 2 ? 'payload' : undefined });
      assert.equal(r.status, 200);
      assert.equal(r.body, 'live');
    }
    assert.equal(live.seen(), 6);
    // The round-robin cursor also advances on the retry's pick, so the dead upstream is tried often.
    assert.ok(h.registry.peek(dead)!.failsTotal >= 3, 'the dead upstream was picked and failed over');
  });

  test('without retries configured a dial error answers 502 (Caddy: no retries unless asked)', async () => {
    const h = reverseProxy({ upstreams: [{ dial: await closedAddress() }, { dial: (await ok('x')).address }], load_balancing: { selection_policy: { policy: 'first' } } });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.equal((await fetchText(px.url)).status, 502);
  });

  test('a POST that reached the upstream is not retried; the upstream sees it exactly once', async () => {
    const bad = await resetter();
    const live = await ok('live');
    const h = reverseProxy({
      upstreams: [{ dial: bad.address }, { dial: live.address }],
      load_balancing: { selection_policy: { policy: 'first' }, retries: 3 },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(px.url, { method: 'POST', body: 'x' });
    assert.equal(r.status, 502);
    assert.equal(bad.seen(), 1);
    assert.equal(live.seen(), 0);
    const bodyless = await fetchText(px.url, { method: 'DELETE' });
    assert.equal(bodyless.status, 502);
    assert.equal(bad.seen(), 2);
    assert.equal(live.seen(), 0);
  });

  test('a GET is retried on another upstream after the first resets the connection', async () => {
    const bad = await resetter();
    const live = await ok('live');
    const h = reverseProxy({
      upstreams: [{ dial: bad.address }, { dial: live.address }],
      load_balancing: { selection_policy: { policy: 'first' }, retries: 1 },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(px.url);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'live');
    assert.equal(bad.seen(), 1);
  });

  test('retry_match allows retrying other requests that reached the upstream (bodyless)', async () => {
    const bad = await resetter();
    const live = await ok('live');
    const h = reverseProxy({
      upstreams: [{ dial: bad.address }, { dial: live.address }],
      load_balancing: { selection_policy: { policy: 'first' }, retries: 1, retry_match: [{ method: ['DELETE'] }] },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.equal((await fetchText(px.url, { method: 'DELETE' })).status, 200);
    // A GET is no longer in the (replaced) default.
    assert.equal((await fetchText(px.url)).status, 502);
  });

  test('retries wait try_interval between tries; with nothing available the answer is 503', async () => {
    const held = await ok('x');
    const h = reverseProxy({
      upstreams: [{ dial: held.address, state: 'disabled' }],
      load_balancing: { retries: 2, try_interval: '100ms' },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const t0 = performance.now();
    const r = await fetchText(px.url);
    const took = performance.now() - t0;
    assert.equal(r.status, 503);
    assert.equal(r.body, '');
    assert.ok(took >= 190 && took < 1000, `took ${took.toFixed(0)}ms, want about 2 x 100ms`);
  });

  test('try_duration keeps retrying until an upstream comes back', async () => {
    const live = await ok('back');
    const h = reverseProxy({
      upstreams: [{ dial: live.address }],
      load_balancing: { try_duration: '2s', try_interval: '50ms' },
      health_checks: { passive: { fail_duration: '300ms', max_fails: 1 } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    h.registry.peek(live.address)!.recordFailure(300, 1);
    const t0 = performance.now();
    const r = await fetchText(px.url);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'back');
    assert.ok(performance.now() - t0 >= 250, 'waited for the failure to expire');
  });
});
