import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { fetchText, reverseProxy, startProxy, startUpstream } from '../forward/testkit';
import { HostRegistry } from './registry';

const cleanup: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c.close();
});
function track<T extends { close(): Promise<void> | void }>(t: T): T {
  cleanup.push(t);
  return t;
}

describe('connection pools per address', () => {
  test('handlers with equal transport share one pool; a changed transport gets a new one and the old closes after in-flight requests finish', async () => {
    const held: ServerResponse[] = [];
    const sockets = new Set<unknown>();
    const up = track(
      await startUpstream((req, res) => {
        sockets.add(req.socket);
        if (req.url === '/slow') held.push(res);
        else res.end('ok');
      }),
    );
    const registry = new HostRegistry();
    const a = reverseProxy({ upstreams: [{ dial: up.address }] }, registry);
    const a2 = reverseProxy({ upstreams: [{ dial: up.address }] }, registry);
    const host = registry.peek(up.address)!;
    assert.equal(host.pools.size, 1, 'same transport: one pool');
    const pxA = track(await startProxy(a));
    const slow = fetchText(`${pxA.url}/slow`);
    for (let i = 0; i < 50 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    // The next config changes the transport of this address, then the old handlers retire.
    const b = reverseProxy({ upstreams: [{ dial: up.address }], transport: { protocol: 'http', response_header_timeout: '5s' } }, registry);
    assert.equal(host.pools.size, 2);
    a.dispose!();
    a2.dispose!();
    assert.equal(host.pools.size, 1, 'the old pool left the host once no handler holds it');
    held[0]!.end('slow done');
    const r = await slow;
    assert.deepEqual([r.status, r.body], [200, 'slow done'], 'the in-flight request finished on the closing pool');
    const pxB = track(await startProxy(b));
    assert.equal((await fetchText(pxB.url)).body, 'ok');
    b.dispose!();
    assert.equal(host.pools.size, 0);
  });

  test('keep_alive.enabled=false opens a fresh upstream connection per request', async () => {
    const ports = new Set<number>();
    let connectionHeader: string | undefined;
    const up = track(
      await startUpstream((req, res) => {
        ports.add(req.socket.remotePort!);
        connectionHeader = req.headers.connection;
        res.end('ok');
      }),
    );
    const h = reverseProxy({ upstreams: [{ dial: up.address }], transport: { protocol: 'http', keep_alive: { enabled: false } } });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    for (let i = 0; i < 4; i++) assert.equal((await fetchText(px.url)).body, 'ok');
    assert.equal(ports.size, 4);
    assert.equal(connectionHeader, 'close');
  });

  test('keep-alive (default) reuses upstream connections', async () => {
    const ports = new Set<number>();
    const up = track(
      await startUpstream((req, res) => {
        ports.add(req.socket.remotePort!);
        res.end('ok');
      }),
    );
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    for (let i = 0; i < 4; i++) await fetchText(px.url);
    assert.equal(ports.size, 1);
  });
});
