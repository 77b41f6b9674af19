import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePort, proxyConfig, startSwitchyard, startUpstreams, type Running, type Upstream } from '../helpers/switchyard-all';
import { api, burst, echo, get, listen, loadApplied, openSocket } from './drain-support';

type Job = Record<string, any>;

describe('drain an upstream through the admin API, with two real workers', () => {
  let sy: Running;
  let ups: Upstream[];
  let port: number;
  let u1: Upstream;
  let u2: Upstream;

  before(async () => {
    ups = await startUpstreams(2);
    [u1, u2] = ups as [Upstream, Upstream];
    port = await freePort();
    sy = await startSwitchyard(['run', '--admin', '127.0.0.1:0', '--workers', '2']);
    // `first`: every new request goes to u1 while it is available, so a drain is visible at once.
    await loadApplied(sy.url, proxyConfig(port, [u1.dial, u2.dial], { load_balancing: { selection_policy: { policy: 'first' } } }));
  });

  after(async () => {
    await sy?.stop();
    await Promise.all(ups.map((u) => u.close()));
  });

  test('a draining upstream gets none of the next 1,000 requests; its slow requests and WebSocket finish; drained only after the last ends, across both workers; SSE carries the progress', async () => {
    const sse = listen(sy.url, 'drain');
    const ws = await openSocket(`ws://127.0.0.1:${port}/ws`);
    assert.equal(await echo(ws, 'before'), 'before');
    // Slow requests on fresh connections, in batches until the kernel has spread them over
    // both workers (it decides which worker accepts a connection).
    const slow: ReturnType<typeof get>[] = [];
    const perWorker = async () => {
      const list = (await api(sy.url, 'GET', '/reverse_proxy/upstreams')).json as { address: string; num_requests: number; by_worker: { in_flight: number }[] }[];
      return list.find((u) => u.address === u1.dial)!;
    };
    for (let batch = 0; batch < 8; batch++) {
      for (let i = 0; i < 4; i++) slow.push(get(`http://127.0.0.1:${port}/slow?ms=2500`));
      await eventually(async () => (await perWorker()).num_requests === slow.length, 5000, `${slow.length} slow requests in flight on u1`);
      if ((await perWorker()).by_worker.filter((w) => w.in_flight > 0).length === 2 && slow.length >= 12) break;
    }
    const SLOW = slow.length;

    const started = await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain`);
    assert.equal(started.status, 202);
    const job = started.json as Job;
    assert.equal(job.state, 'draining');
    assert.equal(job.complete, false);
    assert.deepEqual(job.pools, ['pool']);
    assert.ok(Number(started.headers.get('switchyard-revision')) >= 2);
    assert.equal((await api(sy.url, 'GET', '/id/pool/upstreams/0')).json.state, 'draining');

    const hitsBefore = u1.hits.filter((p) => p === '/').length;
    const bodies = await burst(`http://127.0.0.1:${port}/`, 1000);
    assert.equal(u1.hits.filter((p) => p === '/').length, hitsBefore, 'u1 received none of the 1,000 requests');
    assert.ok(bodies.every((b) => b === `hello from ${u2.port}`));

    const during = (await api(sy.url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain`)).json as Job;
    assert.equal(during.state, 'draining');
    assert.equal(during.in_flight, SLOW);
    assert.equal(during.upgraded, 1);
    const busyWorkers = during.workers.filter((w: Job) => w.in_flight > 0 || w.upgraded > 0);
    assert.equal(during.workers.length, 2, 'both workers take part in the drain');
    assert.ok(busyWorkers.length === 2, `both workers have something open on u1: ${JSON.stringify(during.workers)}`);

    const done = await Promise.all(slow);
    assert.ok(done.every((r) => r.status === 200 && r.body === `slow from ${u1.port}`), 'every slow request finished on u1');

    // The WebSocket keeps the drain open.
    const still = (await api(sy.url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain?wait=1s`)).json as Job;
    assert.equal(still.complete, false);
    assert.equal(still.in_flight, 0);
    assert.equal(still.upgraded, 1);
    assert.equal(await echo(ws, 'during'), 'during');
    const closedAt = Date.now();
    ws.close();

    const waited = await api(sy.url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain?wait=10s`);
    const final = waited.json as Job;
    assert.equal(final.state, 'drained');
    assert.equal(final.complete, true);
    assert.ok(Date.parse(final.finished) >= closedAt - 5, 'drained only after the WebSocket closed');
    assert.ok(final.final_revision > job.revision);
    assert.equal((await api(sy.url, 'GET', '/id/pool/upstreams/0')).json.state, 'drained');

    await eventually(() => sse.events.some((e) => e.type === 'drain.completed'), 3000, 'drain.completed event');
    sse.stop();
    const types = sse.events.map((e) => e.type);
    assert.equal(types[0], 'drain.started');
    const progress = sse.events.filter((e) => e.type === 'drain.progress').map((e) => e.data);
    assert.ok(progress.some((p) => p.in_flight === SLOW), `progress showed the ${SLOW} slow requests`);
    assert.ok(progress.some((p) => p.in_flight === 0 && p.upgraded === 1), 'progress showed only the WebSocket left');
    assert.equal(sse.events[sse.events.length - 1]!.data.state, 'drained');
  });

  test('the last available upstream of a pool is not drained or removed without force', async () => {
    // u1 is drained: u2 is the last one.
    const drain = await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u2.dial}/drain`);
    assert.equal(drain.status, 409);
    assert.equal(drain.json.code, 'ADM_ERR_LAST_UPSTREAM');
    const remove = await api(sy.url, 'DELETE', `/pools/pool/upstreams/${u2.dial}`);
    assert.equal(remove.status, 409);
    const zero = await api(sy.url, 'PATCH', `/pools/pool/upstreams/${u2.dial}`, { weight: 0 });
    assert.equal(zero.status, 409);
    assert.equal((await api(sy.url, 'GET', '/pools/pool')).json.upstreams[1].state, 'active', 'nothing changed');
    assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 200);

    // Back in service, u1 makes draining u2 acceptable.
    const undrain = await api(sy.url, 'DELETE', `/reverse_proxy/upstreams/${u1.dial}/drain`);
    assert.equal(undrain.status, 200);
    assert.equal(undrain.json.state, 'active');
    const ok = await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u2.dial}/drain?wait=5s`);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.state, 'drained');
    const forced = await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain?force=true&wait=5s`);
    assert.equal(forced.status, 200, 'force drains the last one');
    // Put both back for the next tests.
    for (const u of [u1, u2]) assert.equal((await api(sy.url, 'DELETE', `/reverse_proxy/upstreams/${u.dial}/drain`)).status, 200);
  });

  test('on_timeout close cuts the WebSockets still open and reports how many', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${port}/ws`);
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    await eventually(async () => (await api(sy.url, 'GET', '/pools/pool/upstreams/' + u1.dial)).json.upgraded === 1, 5000, 'WebSocket open');
    const t0 = Date.now();
    const started = await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain`, { timeout: '1s', on_timeout: 'close' });
    assert.equal(started.status, 202);
    assert.equal(started.json.on_timeout, 'close');
    assert.equal(started.json.upgraded, 1);
    const final = (await api(sy.url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain?wait=10s`)).json as Job;
    assert.equal(final.state, 'drained', JSON.stringify(final));
    assert.equal(final.timed_out, true);
    assert.ok(Date.now() - t0 >= 1000, 'not before the timeout');
    assert.deepEqual({ requests: final.closed.requests, upgraded: final.closed.upgraded }, { requests: 0, upgraded: 1 });
    await closed;
    assert.equal((await api(sy.url, 'DELETE', `/reverse_proxy/upstreams/${u1.dial}/drain`)).status, 200);
  });

  test('on_timeout close cuts the HTTP requests still in flight', async () => {
    // Short enough that a proxy which cannot cut it lets it end before the next test.
    const slow = get(`http://127.0.0.1:${port}/slow?ms=3000`).then((r) => r.status, () => 'reset');
    try {
      await eventually(async () => (await api(sy.url, 'GET', '/pools/pool/upstreams/' + u1.dial)).json.in_flight === 1, 5000, 'slow request in flight');
      await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain`, { timeout: '500ms', on_timeout: 'close' });
      const final = (await api(sy.url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain?wait=4s`)).json as Job;
      assert.equal(final.state, 'drained', JSON.stringify(final));
      assert.equal(final.closed.requests, 1);
      assert.notEqual(await slow, 200, 'the slow request was cut');
    } finally {
      await slow;
      await api(sy.url, 'DELETE', `/reverse_proxy/upstreams/${u1.dial}/drain`);
    }
  });

  test('keep_sticky: clients pinned by cookie keep reaching a draining upstream, new clients do not', async () => {
    await loadApplied(sy.url, proxyConfig(port, [u1.dial, u2.dial], { load_balancing: { selection_policy: { policy: 'cookie', fallback: { policy: 'first' } } } }));
    const first = await get(`http://127.0.0.1:${port}/`);
    assert.equal(first.body, `hello from ${u1.port}`);
    const cookie = String(first.headers['set-cookie']?.[0]).split(';')[0]!;
    assert.match(cookie, /^lb=[0-9a-f]{64}$/);
    const ask = async (n: number, headers: Record<string, string> = {}) => {
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) seen.add((await get(`http://127.0.0.1:${port}/`, headers)).body);
      return [...seen];
    };

    // Without keep_sticky the pinned client moves.
    let ws = await openSocket(`ws://127.0.0.1:${port}/ws`);
    await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain`);
    assert.deepEqual(await ask(20, { cookie }), [`hello from ${u2.port}`]);
    ws.close();
    assert.equal((await api(sy.url, 'DELETE', `/reverse_proxy/upstreams/${u1.dial}/drain`)).status, 200);

    // With keep_sticky it stays while the drain lasts (the WebSocket holds it open).
    ws = await openSocket(`ws://127.0.0.1:${port}/ws`);
    const job = (await api(sy.url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain?keep_sticky=true`)).json as Job;
    assert.equal(job.keep_sticky, true);
    assert.equal((await api(sy.url, 'GET', '/id/pool/upstreams/0')).json.keep_sticky, true);
    assert.deepEqual(await ask(20, { cookie }), [`hello from ${u1.port}`], 'pinned client still on u1');
    assert.deepEqual(await ask(20), [`hello from ${u2.port}`], 'new clients never reach u1');
    ws.close();
    const final = (await api(sy.url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain?wait=10s`)).json as Job;
    assert.equal(final.state, 'drained', JSON.stringify(final));
    assert.deepEqual(await ask(5, { cookie }), [`hello from ${u2.port}`], 'once drained, the pin is gone');
  });
});
