import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchyard, freePort, startUpstreams, load, proxyConfig, eventually, tempDir, type Running, type Upstream } from '../helpers/switchyard-all';
import { startLoad } from '../helpers/load';

interface ProxyInfo { id: string; applied_revision: number | null; last_nack: { path: string | null; code: string } | null }

async function proxies(url: string): Promise<ProxyInfo[]> {
  return (await (await fetch(`${url}/proxies`)).json()) as ProxyInfo[];
}

describe('live config push: resilience of the admin <-> worker link', () => {
  const running: Running[] = [];
  let ups: Upstream[] = [];
  after(async () => {
    for (const r of running.reverse()) await r.stop('SIGKILL');
    await Promise.all(ups.map((u) => u.close()));
  });

  test('killing the admin under load fails no request; after it restarts every worker is back on the latest revision; a worker started while the admin is down serves its cached revision', async () => {
    ups = await startUpstreams(2);
    const adminPort = await freePort();
    const port = await freePort();
    const adminData = tempDir();
    const proxyData = tempDir();
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    let admin = await startSwitchyard(['admin', '--admin', `127.0.0.1:${adminPort}`], { dataDir: adminData });
    running.push(admin);
    const proxy = await startSwitchyard(['proxy', '--admin', adminUrl, '--workers', '2', '--node-id', 'n1'], { dataDir: proxyData });
    running.push(proxy);
    await eventually(async () => (await proxies(adminUrl)).length === 2, 10_000, 'two workers connected');
    const r = await load(adminUrl, proxyConfig(port, ups.map((u) => u.dial)));
    assert.equal(r.status, 200, r.body);
    const rev1 = Number(r.revision);

    const run = startLoad(`http://127.0.0.1:${port}`, { connections: 16 });
    await new Promise((res) => setTimeout(res, 300));
    await admin.stop('SIGKILL');
    await new Promise((res) => setTimeout(res, 1000));
    const during = await run.stop();
    assert.ok(during.requests > 100, `load ran while the admin was down (${during.requests})`);
    assert.equal(during.errors + during.non200 + during.disconnects, 0, `failures while the admin was dead: ${JSON.stringify(during)}`);

    admin = await startSwitchyard(['admin', '--admin', `127.0.0.1:${adminPort}`], { dataDir: adminData });
    running.push(admin);
    await eventually(async () => {
      const ps = await proxies(adminUrl);
      return ps.length === 2 && ps.every((p) => p.applied_revision === rev1);
    }, 15_000, 'both workers reconnected on the latest revision');
    const w = await fetch(`${adminUrl}/id/pool/upstreams/0`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dial: ups[0]!.dial, weight: 3 }) });
    assert.equal(w.status, 200, await w.text());
    const rev2 = Number(w.headers.get('switchyard-revision'));
    for (const p of await proxies(adminUrl)) assert.equal(p.applied_revision, rev2);

    // Stop the proxy, kill the admin, start the proxy again: it serves the cached revision.
    assert.equal(await proxy.stop('SIGTERM'), 0);
    await admin.stop('SIGKILL');
    const again = await startSwitchyard(['proxy', '--admin', adminUrl, '--workers', '1', '--node-id', 'n1'], { dataDir: proxyData });
    running.push(again);
    const res = await eventually(async () => {
      const x = await fetch(`http://127.0.0.1:${port}/`);
      return x.status === 200 ? x : undefined;
    }, 10_000, 'the cached revision served without an admin');
    assert.match(await res.text(), /hello from/);
  });

  test('a NACK is reported with the path of the value, and the other workers keep the change', async () => {
    const up = await startUpstreams(1);
    ups.push(...up);
    const admin = await startSwitchyard(['admin', '--admin', '127.0.0.1:0']);
    running.push(admin);
    const a = await startSwitchyard(['proxy', '--admin', admin.url, '--workers', '1', '--node-id', 'node-a']);
    running.push(a);
    await eventually(async () => (await proxies(admin.url)).length === 1, 10_000, 'node-a connected');
    const port = await freePort();
    assert.equal((await load(admin.url, proxyConfig(port, [up[0]!.dial]))).status, 200);
    // node-b starts on the same machine: the listen address is taken by node-a, so it NACKs.
    const b = await startSwitchyard(['proxy', '--admin', admin.url, '--workers', '1', '--node-id', 'node-b']);
    running.push(b);
    const ps = await eventually(async () => {
      const list = await proxies(admin.url);
      const nb = list.find((p) => p.id.startsWith('node-b'));
      return nb?.last_nack ? list : undefined;
    }, 10_000, 'node-b reported its NACK');
    const nb = ps.find((p) => p.id.startsWith('node-b'))!;
    assert.equal(nb.last_nack!.path, '/apps/http/servers/lb/listen/0');
    assert.equal(nb.last_nack!.code, 'PRX_ERR_LISTEN');
    // A further write is answered 202 naming node-b as failed, while node-a applies it.
    const w = await fetch(`${admin.url}/id/pool/upstreams/0/weight`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '2' });
    assert.equal(w.status, 202);
    const body = (await w.json()) as { complete: boolean; acked: string[]; failed: { node: string; path?: string }[] };
    assert.equal(body.complete, false);
    assert.ok(body.acked.some((n) => n.startsWith('node-a')), JSON.stringify(body));
    assert.ok(body.failed.some((f) => f.node.startsWith('node-b') && f.path === '/apps/http/servers/lb/listen/0'), JSON.stringify(body));
    const served = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(served.status, 200);
  });
});
