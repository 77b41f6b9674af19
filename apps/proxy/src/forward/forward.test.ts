import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { Transform } from 'node:stream';
import type { ResponseHook } from '../handlers/types';
import { blackholeAddress, closedAddress, fetchText, rawRequest, reverseProxy, startProxy, startRawUpstream, startUpstream, type TestServer } from './testkit';

const cleanup: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c.close();
});
function track<T extends { close(): Promise<void> | void }>(t: T): T {
  cleanup.push(t);
  return t;
}

/** An upstream that answers with what it received. */
async function echoUpstream(): Promise<TestServer> {
  return track(
    await startUpstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() }));
      });
    }),
  );
}

describe('forwarding over undici', () => {
  test('passes method, URI, body and Host through unchanged', async () => {
    const up = await echoUpstream();
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/a/b?x=1&y=2`, { method: 'PUT', headers: { host: 'example.test:8080', 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body);
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/a/b?x=1&y=2');
    assert.equal(seen.headers.host, 'example.test:8080');
    assert.equal(seen.body, 'hello');
  });

  test('hop-by-hop headers are removed in both directions, including those named in Connection', async () => {
    // A raw upstream, since node's server refuses to send some of these fields.
    const up = track(
      await startRawUpstream((sock) => {
        let buf = '';
        sock.on('data', (d: Buffer) => {
          buf += d.toString('latin1');
          if (!buf.includes('\r\n\r\n')) return;
          const lines = buf.split('\r\n\r\n')[0]!.split('\r\n').slice(1);
          const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
          const body = JSON.stringify(headers);
          sock.end(
            'HTTP/1.1 200 OK\r\nConnection: X-Up-Private, keep-alive\r\nX-Up-Private: secret\r\nKeep-Alive: timeout=5\r\n' +
              'Proxy-Connection: keep-alive\r\nTrailer: X-T\r\nX-Kept: yes\r\nContent-Type: application/json\r\n' +
              `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
        });
      }),
    );
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const raw = await rawRequest(
      px.port,
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: X-Client-Private, close\r\nX-Client-Private: 1\r\nKeep-Alive: timeout=5\r\n' +
        'Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Foo\r\nX-Normal: kept\r\n\r\n',
    );
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    const seen = JSON.parse(body);
    const r = { headers: Object.fromEntries(head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])) };
    for (const name of ['x-client-private', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']) {
      assert.equal(seen[name], undefined, `${name} must not reach the upstream`);
    }
    assert.notEqual(seen.connection, 'X-Client-Private, close');
    assert.equal(seen['x-normal'], 'kept');
    assert.equal(r.headers['x-up-private'], undefined);
    assert.equal(r.headers['proxy-connection'], undefined);
    assert.equal(r.headers['trailer'], undefined);
    assert.equal(r.headers['x-kept'], 'yes');
  });

  test('X-Forwarded-For/-Proto/-Host are set, and an untrusted client cannot spoof them', async () => {
    const up = await echoUpstream();
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`, { headers: { host: 'shop.test', 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil' } });
    const seen = JSON.parse(r.body);
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], 'shop.test');
  });

  test('a trusted peer keeps its X-Forwarded-* and gets its address appended to X-Forwarded-For', async () => {
    const up = await echoUpstream();
    const h = reverseProxy({ upstreams: [{ dial: up.address }], trusted_proxies: ['127.0.0.0/8'] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`, { headers: { host: 'shop.test', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'front.test' } });
    const seen = JSON.parse(r.body);
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-host'], 'front.test');
  });

  test('header rules: request set/add/delete/replace with placeholders, response set/delete', async () => {
    const up = track(
      await startUpstream((req, res) => {
        res.setHeader('x-powered-by', 'upstream');
        res.setHeader('x-version', 'v1.2.3');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.headers));
      }),
    );
    const h = reverseProxy({
      upstreams: [{ dial: up.address }],
      headers: {
        request: {
          set: { 'X-Real-IP': ['{http.request.remote.host}'], 'X-Upstream': ['{http.reverse_proxy.upstream.hostport}'], 'X-Uri': ['{http.request.uri}'] },
          add: { 'X-Added': ['a', 'b'] },
          delete: ['X-Remove-Me', 'X-Drop-*'],
          replace: { 'X-Token': [{ search_regexp: '^Bearer (.*)$', replace: 'Token ${1}' }] },
        },
        response: { set: { 'X-Via': ['switchyard {http.reverse_proxy.status_code}'] }, delete: ['X-Powered-By'], replace: { 'X-Version': [{ search: 'v', replace: 'version ' }] } },
      },
    });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/p?q=1`, { headers: { 'x-remove-me': '1', 'x-drop-this': '1', 'x-token': 'Bearer abc' } });
    const seen = JSON.parse(r.body);
    assert.equal(seen['x-real-ip'], '127.0.0.1');
    assert.equal(seen['x-upstream'], up.address);
    assert.equal(seen['x-uri'], '/p?q=1');
    assert.equal(seen['x-added'], 'a, b');
    assert.equal(seen['x-remove-me'], undefined);
    assert.equal(seen['x-drop-this'], undefined);
    assert.equal(seen['x-token'], 'Token abc');
    assert.equal(r.headers['x-via'], 'switchyard 200');
    assert.equal(r.headers['x-powered-by'], undefined);
    assert.equal(r.headers['x-version'], 'version 1.2.3');
  });

  test('response hooks run before the head is written and can wrap the body sink', async () => {
    const up = track(await startUpstream((_req, res) => res.end('hello body')));
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const hook: ResponseHook = (_ctx, status, headers) => {
      headers['x-hooked'] = String(status);
      delete headers['content-length'];
      return {
        status: 203,
        wrap: (sink) => {
          const t = new Transform({ transform: (c: Buffer, _e, cb) => cb(null, c.toString().toUpperCase()) });
          t.pipe(sink);
          return t;
        },
      };
    };
    const px = track(await startProxy(h, { hooks: [hook] }));
    const r = await fetchText(`${px.url}/`);
    assert.deepEqual([r.status, r.headers['x-hooked'], r.body], [203, '200', 'HELLO BODY']);
    assert.equal(px.done.at(-1)?.status, 203);
  });

  test('no upstream configured or available answers 503 with an empty body', async () => {
    const h = reverseProxy({ upstreams: [] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`);
    assert.equal(r.status, 503);
    assert.equal(r.body, '');
    assert.equal(px.done.at(-1)?.status, 503);
  });

  test('a closed port answers 502 with an empty body', async () => {
    const h = reverseProxy({ upstreams: [{ dial: await closedAddress() }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`);
    assert.equal(r.status, 502);
    assert.equal(r.body, '');
  });

  test('an upstream that sends garbage answers 502', async () => {
    const up = track(await startRawUpstream((s) => s.once('data', () => s.end('NOT HTTP AT ALL\r\n\r\n'))));
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`);
    assert.equal(r.status, 502);
  });

  test('a response head with a field that cannot be relayed answers 502, nothing half-written', async () => {
    const up = track(await startRawUpstream((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nX-Bad: a\x7fb\r\nContent-Length: 2\r\n\r\nok'))));
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`);
    assert.deepEqual([r.status, r.body], [502, '']);
  });

  test('response_header_timeout against an upstream that never answers gives 504', async () => {
    const up = track(await startRawUpstream(() => {}));
    const h = reverseProxy({ upstreams: [{ dial: up.address }], transport: { protocol: 'http', response_header_timeout: '200ms' } });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const t0 = performance.now();
    const r = await fetchText(`${px.url}/`);
    const took = performance.now() - t0;
    assert.equal(r.status, 504);
    assert.equal(r.body, '');
    assert.ok(took >= 180 && took < 2000, `took ${took}ms`);
  });

  test('dial_timeout expiry gives 504', async () => {
    const hole = track(await blackholeAddress());
    const h = reverseProxy({ upstreams: [{ dial: hole.address }], transport: { protocol: 'http', dial_timeout: '150ms' } });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const r = await fetchText(`${px.url}/`);
    assert.equal(r.status, 504);
    assert.equal(r.body, '');
  });

  test('read_timeout cuts a stalled body; the client sees a truncated response', async () => {
    const up = track(
      await startUpstream((_req, res) => {
        res.writeHead(200, { 'content-length': '10' });
        res.write('12345');
      }),
    );
    const h = reverseProxy({ upstreams: [{ dial: up.address }], transport: { protocol: 'http', read_timeout: '150ms' } });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    await assert.rejects(fetchText(`${px.url}/`));
  });

  test('a unix//path dial forwards over a unix socket', async () => {
    const sock = path.join(os.tmpdir(), `switchyard-fwd-${process.pid}.sock`);
    await fs.rm(sock, { force: true });
    const server = http.createServer((req, res) => res.end(`unix ${req.url}`));
    await new Promise<void>((r) => server.listen(sock, r));
    track({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const h = reverseProxy({ upstreams: [{ dial: `unix/${sock}` }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    assert.equal((await fetchText(`${px.url}/x`)).body, 'unix /x');
  });

  test('inFlight returns to 0 and requests/latency are recorded on the Host', async () => {
    const up = await echoUpstream();
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    for (let i = 0; i < 5; i++) await fetchText(`${px.url}/`);
    const host = h.registry.peek(up.address)!;
    assert.equal(host.inFlight, 0);
    assert.equal(host.requests, 5);
    assert.equal(host.latencyBuckets.reduce((a, b) => a + b, 0), 5);
    const ctx = px.done.at(-1)!;
    assert.equal(ctx.upstream, up.address);
    assert.equal(ctx.status, 200);
    assert.ok(ctx.bytesOut > 0);
  });

  test('a client that leaves while the upstream thinks cancels the upstream request (499 logged)', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    const up = track(await startUpstream((_req, res) => res.on('close', () => upstreamClosed())));
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const s = net.connect(px.port, '127.0.0.1');
    s.write('GET /long-poll HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    await closed;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.registry.peek(up.address)!.inFlight, 0);
    assert.equal(px.done.at(-1)?.status, 499);
    assert.equal(h.registry.peek(up.address)!.failsTotal, 0, 'a client leaving is not the upstream\'s fault');
  });

  test('a client that disconnects mid-response cancels the upstream request', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    const up = track(
      await startUpstream((_req, res) => {
        res.writeHead(200);
        const t = setInterval(() => res.write('x'.repeat(1024)), 5);
        res.on('close', () => {
          clearInterval(t);
          upstreamClosed();
        });
      }),
    );
    const h = reverseProxy({ upstreams: [{ dial: up.address }] });
    track({ close: () => h.dispose?.() });
    const px = track(await startProxy(h));
    const s = net.connect(px.port, '127.0.0.1');
    s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => s.once('data', r));
    s.destroy();
    await closed;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.registry.peek(up.address)!.inFlight, 0);
    assert.equal(px.done.at(-1)?.status, 200);
  });
});
