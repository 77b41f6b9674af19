import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { eventually, freePort, startSwitchyard, startUpstream, tempDir, type Running, type Upstream } from '../helpers/switchyard-all';

/** A hand-written upstream for behaviour the shared one lacks; `hits` counts requests by method. */
async function custom(handler: http.RequestListener): Promise<{ dial: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.method!);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    dial: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function request(port: number, p: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** GET that reports whether the response body arrived complete (a cut response must not look whole). */
function getOutcome(port: number, p: string): Promise<{ status: number; body: string; complete: boolean; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, complete: res.complete }));
      res.on('error', (e) => resolve({ status: res.statusCode!, body, complete: false, error: e.message }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', complete: false, error: e.message }));
  });
}

/** Send raw bytes; resolves with everything the server wrote once it closes (or after `ms`). */
function raw(port: number, data: string, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (got += d));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    const t = setTimeout(() => s.destroy(), ms);
    s.on('close', () => clearTimeout(t));
    s.write(data, 'latin1');
  });
}

/** A server on 127.0.0.1:`port` whose one route is a reverse_proxy with `handle`'s fields. */
const server = (port: number, handle: Record<string, unknown>) => ({
  listen: [`127.0.0.1:${port}`], routes: [{ handle: [{ handler: 'reverse_proxy', ...handle }] }],
});

describe('error statuses, client limits, forwarded headers and retries through `switchyard proxy`', () => {
  let sy: Running;
  let up: Upstream;
  let sick: Upstream;
  let hop: Awaited<ReturnType<typeof custom>>;
  let reset: Awaited<ReturnType<typeof custom>>;
  let ok: Awaited<ReturnType<typeof custom>>;
  let ok2: Awaited<ReturnType<typeof custom>>;
  let broken: Awaited<ReturnType<typeof custom>>;
  const p: Record<string, number> = {};

  before(async () => {
    up = await startUpstream();
    sick = await startUpstream();
    sick.healthStatus = 500;
    hop = await custom((req, res) => {
      if (req.url === '/hop-drip') {
        res.writeHead(200, { 'content-length': '20' });
        res.write('0123456789');
        setTimeout(() => res.end('abcdefghij'), 800);
        return;
      }
      res.writeHead(200, { 'Connection': 'keep-alive, X-Hop-Resp', 'X-Hop-Resp': '1', 'X-End': '1', 'Proxy-Connection': 'keep-alive' });
      res.end('hop');
    });
    // Reads the whole request, then resets the connection instead of answering.
    reset = await custom((req, res) => {
      req.resume();
      req.on('end', () => res.socket?.resetAndDestroy());
    });
    ok = await custom((req, res) => req.resume().on('end', () => res.end(`ok ${req.method}`)));
    ok2 = await custom((req, res) => req.resume().on('end', () => res.end(`ok2 ${req.method}`)));
    // Responses that go wrong after the upstream accepted the request.
    broken = await custom((req, res) => {
      const sock = res.socket!;
      if (req.url === '/malformed') sock.end('HTTP/1.1 two hundred\r\nthis is not a header line\r\n\r\n');
      else if (req.url === '/short-length') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('0123456789');
        setTimeout(() => sock.destroy(), 50);
      } else if (req.url === '/short-chunked') {
        res.writeHead(200);
        res.write('abc');
        setTimeout(() => sock.destroy(), 50);
      } else if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('0123456789'); // ...and nothing more: transport.read_timeout cuts it
      } else res.end('fine');
    });
    const closed = `127.0.0.1:${await freePort()}`;
    for (const k of ['bad', 'none', 'sick', 'slow', 'main', 'retry', 'reset', 'broken']) p[k] = await freePort();
    const doc = { apps: { http: { servers: {
      bad: server(p['bad']!, { upstreams: [{ dial: closed }] }),
      none: server(p['none']!, { upstreams: [] }),
      sick: server(p['sick']!, { upstreams: [{ dial: sick.dial }], health_checks: { active: { uri: '/health', interval: '200ms', timeout: '1s' } } }),
      slow: server(p['slow']!, { upstreams: [{ dial: up.dial }], transport: { protocol: 'http', response_header_timeout: '300ms' } }),
      main: {
        listen: [`127.0.0.1:${p['main']}`],
        read_header_timeout: '1s',
        read_timeout: '2s',
        max_header_bytes: 8192,
        routes: [
          { match: [{ path: ['/hop*'] }], handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: hop.dial }] }], terminal: true },
          { handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: up.dial }] }] },
        ],
      },
      retry: server(p['retry']!, { upstreams: [{ dial: closed }, { dial: ok.dial }], load_balancing: { selection_policy: { policy: 'round_robin' }, retries: 2 } }),
      broken: server(p['broken']!, { upstreams: [{ dial: broken.dial }], transport: { protocol: 'http', read_timeout: '500ms' } }),
      reset: server(p['reset']!, { upstreams: [{ dial: reset.dial }, { dial: ok2.dial }], load_balancing: { selection_policy: { policy: 'first' }, retries: 3 } }),
    } } } };
    const file = path.join(tempDir('switchyard-proxy-errors-'), 'config.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    sy = await startSwitchyard(['proxy', '--config', file, '--workers', '1']);
  });

  after(async () => {
    await sy?.stop();
    await Promise.all([up, sick, hop, reset, ok, ok2, broken].map((u) => u?.close()));
  });

  test('502 when the upstream port is closed', async () => {
    const r = await request(p['bad']!, '/');
    assert.equal(r.status, 502);
  });

  test('503 when no upstream is configured, and when every upstream fails its active health check', async () => {
    assert.equal((await request(p['none']!, '/')).status, 503);
    await eventually(async () => (await request(p['sick']!, '/')).status === 503, 5000, '503 from the unhealthy pool');
    const before = sick.hits.filter((h) => h === '/').length;
    for (let i = 0; i < 5; i++) assert.equal((await request(p['sick']!, '/')).status, 503);
    assert.equal(sick.hits.filter((h) => h === '/').length, before, 'the unhealthy upstream got no request');
    sick.healthStatus = 200;
    await eventually(async () => (await request(p['sick']!, '/')).status === 200, 5000, 'recovery after the check passes');
  });

  test('504 when the upstream does not answer within response_header_timeout', async () => {
    const t0 = performance.now();
    const r = await request(p['slow']!, '/slow?ms=3000');
    const took = performance.now() - t0;
    assert.equal(r.status, 504);
    assert.ok(took >= 250 && took < 2000, `answered after the 300ms timeout (${Math.round(took)} ms)`);
    assert.equal((await request(p['slow']!, '/slow?ms=10')).status, 200, 'a timely answer passes');
  });

  test('502 for a malformed upstream response; a response cut after its head is cut for the client too, never completed', async () => {
    assert.equal((await getOutcome(p['broken']!, '/malformed')).status, 502);
    for (const path of ['/short-length', '/short-chunked']) {
      const r = await getOutcome(p['broken']!, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.complete, false, `${path}: the client must see the truncation (${JSON.stringify(r)})`);
    }
    const t0 = performance.now();
    const stalled = await getOutcome(p['broken']!, '/stall');
    const took = performance.now() - t0;
    assert.equal(stalled.complete, false, 'a stalled body is aborted');
    assert.equal(stalled.body, '0123456789');
    assert.ok(took >= 400 && took < 3000, `aborted after transport.read_timeout (${Math.round(took)} ms)`);
    assert.equal((await getOutcome(p['broken']!, '/')).body, 'fine', 'the upstream is still used afterwards');
  });

  test('400 for a malformed request line or header, 431 above max_header_bytes', async () => {
    assert.match(await raw(p['main']!, 'THIS IS NOT HTTP\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await raw(p['main']!, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await raw(p['main']!, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`), /^HTTP\/1\.1 431 /);
    // Under the configured 8 KiB (and so not the 16 KiB default that would let 10 KB through).
    const fits = await request(p['main']!, '/', { headers: { 'x-big': 'a'.repeat(6000) } });
    assert.equal(fits.status, 200);
  });

  test('a slow client cannot hold a connection: silent, or dripping its head, cut after read_header_timeout (1s); dripping its body, after read_timeout (2s)', async () => {
    /** Opens a connection, writes `first`, then one byte every 100 ms; resolves when the server closes it (or -1 after 6 s). */
    const drip = async (first: string): Promise<{ after: number; got: string }> => {
      const s = net.connect(p['main']!, '127.0.0.1');
      await new Promise<void>((r) => s.once('connect', () => r()));
      let got = '';
      s.setEncoding('latin1').on('data', (d: string) => (got += d));
      s.on('error', () => undefined);
      const t0 = performance.now();
      const closed = new Promise<number>((r) => s.once('close', () => r(performance.now() - t0)));
      let timer: NodeJS.Timeout | undefined;
      if (first) {
        s.write(first);
        timer = setInterval(() => s.writable && s.write('a'), 100);
      }
      const after = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 6000))]);
      clearInterval(timer);
      s.destroy();
      return { after, got };
    };
    const [silent, head, body] = await Promise.all([
      drip(''),
      drip('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '),
      drip('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n'),
    ]);
    for (const [what, r, min] of [['silent', silent, 900], ['head', head, 900], ['body', body, 1800]] as const) {
      assert.ok(r.after > 0, `${what}: the server closed the connection within 6 s`);
      assert.ok(r.after >= min && r.after < min + 2000, `${what}: closed after ${Math.round(r.after)} ms`);
    }
    assert.match(head.got, /^HTTP\/1\.1 408 /);
    // The echo's response had begun: the timeout may cut it, not append a 408 inside its chunks.
    assert.ok((body.got.match(/HTTP\/1\.1 \d{3} /g) ?? []).length <= 1, `one status line only: ${JSON.stringify(body.got.slice(-120))}`);
  });

  test('a parse error on a connection whose response is being written never splices a status line into that body', async () => {
    const s = net.connect(p['main']!, '127.0.0.1');
    let got = '';
    s.setEncoding('latin1').on('data', (d: string) => (got += d));
    s.on('error', () => undefined);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.write('GET /hop-drip HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(() => got.endsWith('0123456789'), 3000, 'the head and the first half of the body');
    s.write('NOT A REQUEST LINE\r\n\r\n');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    s.destroy();
    const rest = got.slice(got.indexOf('\r\n\r\n') + 4);
    const whole = '0123456789abcdefghij';
    // Either the response is cut (the client sees the truncation) or it completes and the error follows it.
    assert.ok(rest === whole.slice(0, rest.length) || rest.startsWith(`${whole}HTTP/1.1 400`), `body as received: ${JSON.stringify(rest)}`);
  });

  test('X-Forwarded-For/Proto/Host set (client values not trusted), Host passed through, hop-by-hop headers removed both ways', async () => {
    const r = await request(p['main']!, '/headers', {
      headers: {
        'Host': 'app.example:8443',
        'X-Forwarded-For': '6.6.6.6',
        'X-Forwarded-Proto': 'https',
        'Connection': 'keep-alive, X-Drop-Me',
        'X-Drop-Me': '1',
        'Keep-Alive': 'timeout=5',
        'Proxy-Connection': 'keep-alive',
        'X-Keep-Me': '1',
      },
    });
    assert.equal(r.status, 200);
    const h = JSON.parse(r.body) as Record<string, string>;
    assert.equal(h['host'], 'app.example:8443');
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], 'app.example:8443');
    assert.equal(h['x-keep-me'], '1');
    for (const name of ['x-drop-me', 'keep-alive', 'proxy-connection']) assert.equal(h[name], undefined, `${name} must not reach the upstream`);
    assert.ok(!/x-drop-me/i.test(h['connection'] ?? ''), 'the Connection header sent upstream is the proxy\'s own');

    const back = await request(p['main']!, '/hop');
    assert.equal(back.body, 'hop');
    assert.equal(back.headers['x-end'], '1');
    assert.equal(back.headers['x-hop-resp'], undefined, 'a response field named in Connection is removed');
    assert.equal(back.headers['proxy-connection'], undefined);
  });

  test('retries: a GET or POST refused at connect is retried on the other upstream', async () => {
    // round_robin alternates, so every other first pick is the closed port.
    for (let i = 0; i < 6; i++) {
      const r = await request(p['retry']!, '/');
      assert.equal(r.status, 200);
      assert.equal(r.body, 'ok GET');
    }
    for (let i = 0; i < 2; i++) assert.equal((await request(p['retry']!, '/', { method: 'POST', body: 'x' })).body, 'ok POST', 'never sent, so retried');
    assert.deepEqual(ok.hits, ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST']);
  });

  test('retries: a POST that reached an upstream which then reset is not retried; a GET is', async () => {
    const post = await request(p['reset']!, '/', { method: 'POST', body: 'payload' });
    assert.equal(post.status, 502);
    assert.deepEqual(reset.hits, ['POST'], 'the resetting upstream saw the POST exactly once');
    assert.deepEqual(ok2.hits, [], 'and it was not retried elsewhere');

    const get = await request(p['reset']!, '/');
    assert.equal(get.status, 200);
    assert.equal(get.body, 'ok2 GET');
    assert.deepEqual(reset.hits, ['POST', 'GET']);
    assert.deepEqual(ok2.hits, ['GET']);
  });
});
