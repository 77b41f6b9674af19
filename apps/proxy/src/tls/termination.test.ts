import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { SwitchyardError } from '@switchyard/shared';
import { ProxyWorker } from '../runtime/worker';
import { freePort, h1, h2, h2connect, handshake, makeTestCerts, type TestCert } from './testkit';

// Real worker, real sockets: TLS termination with two openssl certificates chosen by SNI,
// HTTP/2 over ALPN next to HTTP/1.1 on one port, certificate swaps, NACKs and redirects.

const certs = makeTestCerts();
const KEY = '127.0.0.1:0';

interface Echo {
  method: string;
  url: string;
  httpVersion: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let upstream: http.Server;
let upstreamDial = '';

before(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      if (req.url!.startsWith('/slow')) return void setTimeout(() => res.end('slow'), 300);
      const echo: Echo = { method: req.method!, url: req.url!, httpVersion: req.httpVersion, headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamDial = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

after(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
  fs.rmSync(certs.dir, { recursive: true, force: true });
});

interface Opts {
  files?: (TestCert & { tags?: string[] })[];
  policies?: unknown[];
  protocols?: string[];
  listen?: string;
  http?: Record<string, unknown>;
  server?: Record<string, unknown>;
}

function config(o: Opts = {}): Record<string, unknown> {
  const files = o.files ?? [{ ...certs.a, tags: ['a'] }, { ...certs.b, tags: ['b'] }];
  return {
    apps: {
      tls: { certificates: { load_files: files } },
      http: {
        ...o.http,
        servers: {
          web: {
            listen: [o.listen ?? KEY],
            ...(o.policies === undefined ? { tls_connection_policies: [{}] } : o.policies.length ? { tls_connection_policies: o.policies } : {}),
            ...(o.protocols ? { protocols: o.protocols } : {}),
            routes: [
              // /local/* is answered by the worker itself (Caddy's empty 200), the rest is proxied.
              { match: [{ path: ['/local/*'] }], terminal: true },
              { handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: upstreamDial }] }] },
            ],
            ...o.server,
          },
        },
      },
    },
  };
}

describe('TLS termination on a worker', () => {
  let worker: ProxyWorker;
  let port: number;

  before(async () => {
    worker = new ProxyWorker();
    await worker.apply(config(), 1, 'h1');
    port = worker.boundPort(KEY)!;
  });
  after(() => worker.stop(200));

  test('SNI picks the certificate whose SAN matches; no SNI gets the first', async () => {
    assert.match((await handshake(port, 'a.test')).names, /DNS:a\.test/);
    assert.match((await handshake(port, 'www.b.test')).names, /DNS:b\.test/);
    assert.match((await handshake(port, undefined)).names, /DNS:a\.test/);
  });

  test('HTTP/2 is negotiated via ALPN and served', async () => {
    assert.equal((await handshake(port, 'a.test', ['h2', 'http/1.1'])).alpn, 'h2');
    const session = await h2connect(port, 'a.test');
    try {
      const seen: string[] = [];
      worker.onRequestDone = (ctx) => seen.push(`${ctx.scheme}://${ctx.host}${ctx.path} ${ctx.req.httpVersion}`);
      const res = await h2(session, '/local/x');
      assert.equal(res.status, 200);
      assert.equal(res.headers['server'], 'Switchyard');
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(seen, ['https://a.test/local/x 2.0'], 'the request context takes its host from :authority');
      worker.onRequestDone = undefined;
    } finally {
      session.close();
    }
  });

  // Pseudo-headers (:method, :path, :authority, :scheme) must not reach the upstream, the
  // authority becomes Host, and an h2 body without Content-Length is still forwarded.
  test('HTTP/2 is proxied to an HTTP/1.1 upstream without pseudo-headers', async () => {
    const session = await h2connect(port, 'a.test');
    try {
      const res = await h2(session, '/path/x?y=1');
      assert.equal(res.status, 200, res.body);
      assert.equal(res.headers['x-upstream'], 'yes');
      const echo = JSON.parse(res.body) as Echo;
      assert.equal(echo.url, '/path/x?y=1');
      assert.equal(echo.httpVersion, '1.1');
      assert.equal(echo.headers.host, `a.test:${port}`, 'Host comes from :authority');
      assert.equal(echo.headers['x-forwarded-proto'], 'https');
      assert.deepEqual(Object.keys(echo.headers).filter((k) => k.startsWith(':')), []);
      const post = await h2(session, '/upload', 'POST', 'h2 body');
      assert.equal(post.status, 200, post.body);
      assert.equal((JSON.parse(post.body) as Echo).body, 'h2 body');
    } finally {
      session.close();
    }
  });

  test('HTTP/1.1 over TLS still works on the same port', async () => {
    assert.equal((await handshake(port, 'b.test', ['http/1.1'])).alpn, 'http/1.1');
    const res = await h1(port, 'b.test', '/one', 'POST', 'h1 body');
    assert.equal(res.status, 200, res.body);
    assert.equal(res.version, '1.1');
    const echo = JSON.parse(res.body) as Echo;
    assert.equal(echo.body, 'h1 body');
    assert.equal(echo.headers['x-forwarded-proto'], 'https');
  });

  test('a certificate file that cannot be read NACKs with its path and leaves the runtime in force', async () => {
    const bad = config({ files: [{ ...certs.a, tags: ['a'] }, { certificate: certs.b.certificate, key: `${certs.dir}/missing.key` }] });
    await assert.rejects(worker.apply(bad, 2, 'h2'), (e: unknown) => {
      assert.ok(e instanceof SwitchyardError);
      assert.equal(e.code, 'PRX_ERR_TLS');
      assert.equal(e.path, '/apps/tls/certificates/load_files/1/key');
      return true;
    });
    assert.equal(worker.current()!.revision, 1);
    assert.match((await handshake(port, 'b.test')).names, /DNS:b\.test/);
  });

  test('a certificate swap applies to new handshakes while open connections keep theirs', async () => {
    const session = await h2connect(port, 'a.test');
    try {
      assert.equal((await h2(session, '/local/before')).status, 200);
      await worker.apply(config({ files: [{ ...certs.b, tags: ['b'] }] }), 3, 'h3');
      assert.equal(worker.boundPort(KEY), port, 'same socket, no rebinding');
      // Only b is loaded now: SNI a.test and no SNI both get it.
      assert.match((await handshake(port, 'a.test')).names, /DNS:b\.test/);
      assert.match((await handshake(port, undefined)).names, /DNS:b\.test/);
      // The session opened before the swap is still up with the certificate it negotiated.
      assert.equal((await h2(session, '/local/after')).status, 200);
      assert.match((session.socket as tls.TLSSocket).getPeerCertificate().subjectaltname!, /DNS:a\.test/);
    } finally {
      session.close();
      await worker.apply(config(), 4, 'h4');
    }
  });

  test('certificate files are read again on every apply', async () => {
    const dir = fs.mkdtempSync(`${certs.dir}/swap-`);
    const file = { certificate: `${dir}/site.crt`, key: `${dir}/site.key` };
    fs.copyFileSync(certs.a.certificate, file.certificate);
    fs.copyFileSync(certs.a.key, file.key);
    await worker.apply(config({ files: [file] }), 5, 'h5');
    assert.match((await handshake(port, 'x')).names, /DNS:a\.test/);
    fs.copyFileSync(certs.b.certificate, file.certificate);
    fs.copyFileSync(certs.b.key, file.key);
    await worker.apply(config({ files: [file] }), 6, 'h6');
    assert.match((await handshake(port, 'x')).names, /DNS:b\.test/);
    await worker.apply(config(), 7, 'h7');
  });

  test('protocols ["h1"] keeps HTTP/2 out of ALPN', async () => {
    await worker.apply(config({ protocols: ['h1'] }), 8, 'h8');
    try {
      assert.equal((await handshake(port, 'a.test', ['h2', 'http/1.1'])).alpn, 'http/1.1');
      assert.equal((await h1(port, 'a.test')).status, 200);
    } finally {
      await worker.apply(config(), 9, 'h9');
    }
  });
});

describe('stopping a TLS listener', () => {
  test('idle HTTP/2 sessions get GOAWAY and an in-flight HTTP/1.1 request finishes with Connection: close', async () => {
    const worker = new ProxyWorker();
    await worker.apply(config(), 1, 's');
    const port = worker.boundPort(KEY)!;
    const session = await h2connect(port, 'a.test');
    assert.equal((await h2(session, '/local/x')).status, 200);
    const sessionClosed = new Promise<void>((r) => session.once('close', r));
    const slow = h1(port, 'a.test', '/slow');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await worker.stop(5000);
    const res = await slow;
    assert.equal(res.status, 200);
    assert.equal(res.body, 'slow');
    assert.equal(res.headers.connection, 'close');
    await sessionClosed;
    assert.ok(Date.now() - t0 < 2000, 'stop did not wait for the grace period');
  });
});

describe('switching an address between http and https', () => {
  test('happens without rebinding: new connections follow the config, open ones keep their protocol', async () => {
    const worker = new ProxyWorker();
    try {
      await worker.apply(config({ policies: [] }), 1, 'p');
      const port = worker.boundPort(KEY)!;
      // A plaintext keep-alive connection opened before the switch.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = () => new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        }).once('error', reject);
      });
      assert.equal(await get(), 200);
      await worker.apply(config(), 2, 't');
      assert.equal(worker.boundPort(KEY), port);
      assert.equal((await h1(port, 'a.test')).status, 200, 'new connections speak TLS');
      assert.equal(await get(), 200, 'the open plaintext connection still serves');
      agent.destroy();
      await worker.apply(config({ policies: [] }), 3, 'p2');
      assert.equal(await new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).once('error', reject);
      }), 200, 'and back to plaintext');
    } finally {
      await worker.stop(200);
    }
  });
});

describe('HTTP to HTTPS redirects', () => {
  test('http_port serves 308 to the https URL of the same host and path', async () => {
    const [tlsPort, httpPort] = [await freePort(), await freePort()];
    const worker = new ProxyWorker();
    try {
      await worker.apply(config({ listen: `127.0.0.1:${tlsPort}`, http: { http_port: httpPort } }), 1, 'r');
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: httpPort, path: '/p/q?x=1', headers: { host: `a.test:${httpPort}` }, agent: false }, resolve).once('error', reject);
      });
      res.resume();
      assert.equal(res.statusCode, 308);
      assert.equal(res.headers.location, `https://a.test:${tlsPort}/p/q?x=1`);
      assert.equal(res.headers.connection, 'close');
      // With redirects disabled the address is not served at all.
      await worker.apply(config({ listen: `127.0.0.1:${tlsPort}`, http: { http_port: httpPort }, server: { automatic_https: { disable_redirects: true } } }), 2, 'n');
      await assert.rejects(new Promise((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: httpPort, path: '/', agent: false }, resolve).once('error', reject);
      }), /ECONNREFUSED/);
    } finally {
      await worker.stop(200);
    }
  });
});
