import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProxyWorker } from './worker';
import { startUpstream, type TestServer } from '../forward/testkit';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const server = (port: number, handle: unknown[], extra: Record<string, unknown> = {}) => ({
  apps: { http: { servers: { web: { listen: [`127.0.0.1:${port}`], routes: [{ handle }], ...extra } } } },
});

describe('ProxyWorker: validate, build, swap', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  test('an in-flight request finishes on the table it started with; the next request sees the new one', async () => {
    const slow: TestServer = await startUpstream((_q, s) => setTimeout(() => s.end('old table'), 400));
    const fresh: TestServer = await startUpstream((_q, s) => s.end('new table'));
    cleanup.push(() => slow.close(), () => fresh.close());
    const port = await freePort();
    const w = new ProxyWorker();
    cleanup.push(() => w.stop(100));
    await w.apply(server(port, [{ handler: 'reverse_proxy', upstreams: [{ dial: slow.address }] }]), 1, 'a');
    const inflight = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    await w.apply(server(port, [{ handler: 'reverse_proxy', upstreams: [{ dial: fresh.address }] }]), 2, 'b');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'new table');
    assert.equal(await inflight, 'old table');
  });

  test('a config that fails to apply leaves the running one untouched and closes what it opened', async () => {
    const up = await startUpstream((_q, s) => s.end('ok'));
    cleanup.push(() => up.close());
    const port = await freePort();
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as AddressInfo).port;
    cleanup.push(() => new Promise((r) => busy.close(r)));
    const extra = await freePort();
    const w = new ProxyWorker();
    cleanup.push(() => w.stop(100));
    await w.apply(server(port, [{ handler: 'reverse_proxy', upstreams: [{ dial: up.address }] }]), 1, 'a');
    const bad = server(port, [{ handler: 'reverse_proxy', upstreams: [{ dial: up.address }] }]);
    (bad.apps.http.servers.web.listen as string[]).push(`127.0.0.1:${extra}`, `127.0.0.1:${busyPort}`);
    await assert.rejects(w.apply(bad, 2, 'b'), (e: { code: string; path: string }) => {
      assert.equal(e.code, 'PRX_ERR_LISTEN');
      assert.equal(e.path, '/apps/http/servers/web/listen/2');
      return true;
    });
    assert.equal(w.current()?.revision, 1);
    // the address bound by the failed attempt was released again
    await assert.rejects(fetch(`http://127.0.0.1:${extra}/`));
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'ok');
    // an invalid document is refused with its path before anything is built
    await assert.rejects(w.apply({ apps: { http: { servers: { web: { listen: ['x'] } } } } }, 3, 'c'), /listen\/0/);
  });

  test('access log: one JSON line per request with Caddy field names, upstream and sizes; trusted_proxies sets the client IP', async () => {
    const up = await startUpstream((q, s) => s.end(`client ${q.headers['x-forwarded-for']}`));
    cleanup.push(() => up.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-log-'));
    const file = path.join(dir, 'access.log');
    const port = await freePort();
    const w = new ProxyWorker();
    cleanup.push(() => w.stop(100));
    const doc = {
      logging: { logs: { access: { writer: { output: 'file', filename: file }, encoder: { format: 'json' }, include: ['http.log.access.web'] } } },
      ...server(port, [{ handler: 'reverse_proxy', upstreams: [{ dial: up.address }] }], {
        logs: { default_logger_name: 'web' },
        trusted_proxies: { source: 'static', ranges: ['127.0.0.0/8'] },
      }),
    };
    await w.apply(doc, 1, 'a');
    const res = await fetch(`http://127.0.0.1:${port}/hello?x=1`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    const body = await res.text();
    assert.match(body, /^client 203\.0\.113\.7/);
    const line = await (async () => {
      for (let i = 0; i < 50; i++) {
        const t = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
        if (t) return JSON.parse(t.split('\n')[0]!) as Record<string, any>;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no access log line');
    })();
    assert.equal(line['logger'], 'http.log.access.web');
    assert.equal(line['msg'], 'handled request');
    assert.equal(line['status'], 200);
    assert.equal(line['size'], Buffer.byteLength(body));
    assert.equal(line['upstream'], up.address);
    assert.equal(line['request']['method'], 'GET');
    assert.equal(line['request']['uri'], '/hello?x=1');
    assert.equal(line['request']['client_ip'], '203.0.113.7');
    assert.equal(line['request']['remote_ip'], '127.0.0.1');
    assert.equal(typeof line['duration'], 'number');
    assert.deepEqual(line['request']['headers']['X-Forwarded-For'], ['203.0.113.7']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
