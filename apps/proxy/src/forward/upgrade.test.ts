import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { closedAddress, rawRequest, reverseProxy, startProxy, startUpstream } from './testkit';
import { closeUpgraded } from './upgrade';

const cleanup: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c.close();
});
function track<T extends { close(): Promise<void> | void }>(t: T): T {
  cleanup.push(t);
  return t;
}

/** A ws echo server on 127.0.0.1:0 that records the handshake headers and close events. */
async function echoServer(): Promise<{ address: string; wss: WebSocketServer; handshakes: http.IncomingHttpHeaders[]; closes: number[]; sockets: WebSocket[] }> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const handshakes: http.IncomingHttpHeaders[] = [];
  const closes: number[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    handshakes.push(req.headers);
    sockets.push(ws);
    ws.on('message', (data, isBinary) => ws.send(isBinary ? data : `echo:${data.toString()}`, { binary: isBinary }));
    ws.on('close', (code) => closes.push(code));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  track({
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, wss, handshakes, closes, sockets };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(d.toString())));
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
};

describe('WebSocket / Upgrade tunnelling', () => {
  test('echo through the proxy in both directions; client close reaches the upstream', async () => {
    const up = await echoServer();
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const ws = await open(`ws://127.0.0.1:${px.port}/chat?room=1`);
    const host = h.registry.peek(up.address)!;
    assert.equal(host.upgraded, 1);
    ws.send('hello');
    assert.equal(await next(ws), 'echo:hello');
    const big = Buffer.alloc(256 * 1024, 7);
    const got = new Promise<Buffer>((r) => ws.once('message', (d) => r(d as Buffer)));
    ws.send(big);
    assert.ok((await got).equals(big));
    assert.equal(up.handshakes[0]!['x-forwarded-for'], '127.0.0.1');
    assert.equal(up.handshakes[0]!.upgrade, 'websocket');
    ws.close(4001, 'bye');
    await until(() => up.closes.length === 1);
    assert.equal(up.closes[0], 4001);
    await until(() => host.upgraded === 0);
    await until(() => px.done.length === 1);
    assert.equal(px.done[0]!.status, 101);
  });

  test('upstream close reaches the client with its code', async () => {
    const up = await echoServer();
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const ws = await open(`ws://127.0.0.1:${px.port}/`);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await until(() => up.sockets.length === 1);
    up.sockets[0]!.close(4002, 'server says bye');
    assert.equal(await closed, 4002);
  });

  test('closeUpgraded(address) ends every tunnel to that address', async () => {
    const up = await echoServer();
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const a = await open(`ws://127.0.0.1:${px.port}/`);
    const b = await open(`ws://127.0.0.1:${px.port}/`);
    const closedA = new Promise((r) => a.once('close', r));
    const closedB = new Promise((r) => b.once('close', r));
    assert.equal(closeUpgraded(h.registry, up.address), 2);
    await Promise.all([closedA, closedB]);
    await until(() => h.registry.peek(up.address)!.upgraded === 0);
  });

  test('a non-101 answer is relayed to the client and the connection closed', async () => {
    const up = track(
      await startUpstream((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', 'content-length': '7' });
        res.end('upgrade');
      }),
    );
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const raw = await rawRequest(px.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 426 /);
    assert.ok(raw.endsWith('\r\n\r\nupgrade'));
  });

  test('an unreachable upstream answers 502 on the raw socket', async () => {
    const h = reverseProxy({ upstreams: [{ dial: await closedAddress() }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const raw = await rawRequest(px.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 502 /);
  });
});
