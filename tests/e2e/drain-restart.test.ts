import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { eventually, freePort, proxyConfig, startSwitchyard, startUpstreams, tempDir, type Running, type Upstream } from '../helpers/switchyard-all';
import { api, get, loadApplied } from './drain-support';

describe('drain state is stored, not remembered', () => {
  const running: Running[] = [];
  let ups: Upstream[] = [];
  after(async () => {
    for (const r of running.reverse()) await r.stop('SIGKILL');
    await Promise.all(ups.map((u) => u.close()));
  });

  test('a drain survives an admin restart (kill -9), completes after it, and reaches a worker that connects later', async () => {
    ups = await startUpstreams(2);
    const [u1, u2] = ups as [Upstream, Upstream];
    const adminPort = await freePort();
    const proxyPort = await freePort();
    const adminData = tempDir();
    const adminArgs = ['admin', '--admin', `127.0.0.1:${adminPort}`];
    let admin = await startSwitchyard(adminArgs, { dataDir: adminData });
    running.push(admin);
    const url = admin.url;
    const proxyA = await startSwitchyard(['proxy', '--admin', url, '--workers', '2', '--cache', path.join(tempDir(), 'cache.json')]);
    running.push(proxyA);
    await eventually(async () => (await api(url, 'GET', '/proxies')).json.length === 2, 10_000, 'two workers connected');
    await loadApplied(url, proxyConfig(proxyPort, [u1.dial, u2.dial], { load_balancing: { selection_policy: { policy: 'first' } } }));

    let slowDone = 0;
    const slow = get(`http://127.0.0.1:${proxyPort}/slow?ms=4000`).then((r) => ((slowDone = Date.now()), r));
    await eventually(async () => (await api(url, 'GET', `/pools/pool/upstreams/${u1.dial}`)).json.in_flight === 1, 5000, 'slow request on u1');
    const started = await api(url, 'POST', `/reverse_proxy/upstreams/${u1.dial}/drain`);
    assert.equal(started.status, 202);
    assert.equal(started.json.workers.length, 2);

    await admin.stop('SIGKILL');
    admin = await startSwitchyard(adminArgs, { dataDir: adminData });
    running.push(admin);
    const resumed = await api(url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain`);
    assert.equal(resumed.status, 200);
    assert.equal(resumed.json.id, started.json.id);
    assert.equal(resumed.json.state, 'draining', 'the job resumed after the restart');

    const final = (await api(url, 'GET', `/reverse_proxy/upstreams/${u1.dial}/drain?wait=15s`)).json;
    assert.equal(final.state, 'drained', JSON.stringify(final));
    const r = await slow;
    assert.equal(r.body, `slow from ${u1.port}`, 'the in-flight request finished on u1 across the admin restart');
    assert.ok(Date.parse(final.finished) >= slowDone - 50, 'drained only after the slow request ended');
    assert.equal((await api(url, 'GET', '/id/pool/upstreams/0')).json.state, 'drained');

    // A proxy that starts now, with no cache, learns the state from the admin.
    await proxyA.stop();
    const proxyB = await startSwitchyard(['proxy', '--admin', url, '--workers', '2', '--cache', path.join(tempDir(), 'cache.json')]);
    running.push(proxyB);
    const current = (await api(url, 'GET', '/revisions?limit=1')).json.current;
    await eventually(async () => {
      const ps = (await api(url, 'GET', '/proxies')).json as Array<{ applied_revision: number }>;
      return ps.length === 2 && ps.every((p) => p.applied_revision === current);
    }, 10_000, 'new workers on the latest revision');
    const hits = u1.hits.length;
    for (let i = 0; i < 100; i++) assert.equal((await get(`http://127.0.0.1:${proxyPort}/`)).body, `hello from ${u2.port}`);
    assert.equal(u1.hits.length, hits, 'the drained upstream gets nothing from workers that connected later');
  });
});
