import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedAddress, fetchText, reverseProxy, startProxy, startUpstream, type TestServer } from '../../forward/testkit';

const cleanup: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c.close();
});
function track<T extends { close(): Promise<void> | void }>(t: T): T {
  cleanup.push(t);
  return t;
}

async function upstream(name: string, status = 200, delayMs = 0): Promise<TestServer & { seen: () => number }> {
  let seen = 0;
  const s = track(
    await startUpstream((_req, res) => {
      seen++;
      setTimeout(() => {
        res.statusCode = status;
        res.end(name);
      }, delayMs);
    }),
  );
  return Object.assign(s, { seen: () => seen });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('passive health checks', () => {
  test('unhealthy_status counts a failure but passes the response through, without retrying', async () => {
    const sick = await upstream('sick', 500);
    const well = await upstream('well');
    const h = reverseProxy({
      upstreams: [{ dial: sick.address }, { dial: well.address }],
      load_balancing: { selection_policy: { policy: 'first' }, retries: 2 },
      health_checks: { passive: { fail_duration: '400ms', max_fails: 2, unhealthy_status: [5] } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const host = h.registry.peek(sick.address)!;
    let r = await fetchText(px.url);
    assert.deepEqual([r.status, r.body], [500, 'sick']);
    assert.equal(host.fails, 1);
    assert.equal(sick.seen(), 1, 'a counted status is not retried');
    r = await fetchText(px.url);
    assert.deepEqual([r.status, r.body], [500, 'sick']);
    assert.equal(host.fails, 2);
    // max_fails reached: the sick upstream is unavailable now.
    r = await fetchText(px.url);
    assert.deepEqual([r.status, r.body], [200, 'well']);
  });

  test('failures expire after fail_duration and the upstream comes back (its slow start restarts)', async () => {
    const sick = await upstream('sick', 502);
    const well = await upstream('well');
    const h = reverseProxy({
      upstreams: [{ dial: sick.address }, { dial: well.address }],
      load_balancing: { selection_policy: { policy: 'first' } },
      health_checks: { passive: { fail_duration: '300ms', unhealthy_status: [502] } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const host = h.registry.peek(sick.address)!;
    assert.equal((await fetchText(px.url)).body, 'sick');
    assert.equal(host.fails, 1, 'max_fails defaults to 1');
    const before = host.availableSince;
    assert.equal((await fetchText(px.url)).body, 'well');
    await sleep(350);
    assert.equal(host.fails, 0);
    assert.ok(host.availableSince > before, 'recovery stamps availableSince');
    assert.equal((await fetchText(px.url)).body, 'sick');
  });

  test('connect errors count as failures', async () => {
    const dead = await closedAddress();
    const well = await upstream('well');
    const h = reverseProxy({
      upstreams: [{ dial: dead }, { dial: well.address }],
      load_balancing: { selection_policy: { policy: 'first' } },
      health_checks: { passive: { fail_duration: '2s' } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.equal((await fetchText(px.url)).status, 502);
    assert.equal(h.registry.peek(dead)!.fails, 1);
    assert.equal((await fetchText(px.url)).body, 'well');
  });

  test('unhealthy_latency counts a slow response as a failure', async () => {
    const slow = await upstream('slow', 200, 150);
    const fast = await upstream('fast');
    const h = reverseProxy({
      upstreams: [{ dial: slow.address }, { dial: fast.address }],
      load_balancing: { selection_policy: { policy: 'first' } },
      health_checks: { passive: { fail_duration: '2s', unhealthy_latency: '100ms' } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.equal((await fetchText(px.url)).body, 'slow');
    assert.equal(h.registry.peek(slow.address)!.fails, 1);
    assert.equal((await fetchText(px.url)).body, 'fast');
  });

  test('without fail_duration nothing is counted against availability (Caddy: passive off)', async () => {
    const sick = await upstream('sick', 500);
    const h = reverseProxy({
      upstreams: [{ dial: sick.address }],
      health_checks: { passive: { unhealthy_status: [500], max_fails: 1 } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    for (let i = 0; i < 3; i++) assert.equal((await fetchText(px.url)).status, 500);
    const host = h.registry.peek(sick.address)!;
    assert.equal(host.fails, 0);
    assert.equal(host.failsTotal, 3, 'still visible in the lifetime counter');
  });

  test('unhealthy_request_count makes a busy upstream unavailable', async () => {
    const slow = await upstream('slow', 200, 200);
    const other = await upstream('other');
    const h = reverseProxy({
      upstreams: [{ dial: slow.address }, { dial: other.address }],
      load_balancing: { selection_policy: { policy: 'first' } },
      health_checks: { passive: { unhealthy_request_count: 1 } },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const first = fetchText(px.url);
    await sleep(50);
    assert.equal((await fetchText(px.url)).body, 'other');
    assert.equal((await first).body, 'slow');
  });
});
