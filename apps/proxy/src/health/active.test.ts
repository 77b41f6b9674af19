import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Host } from '../upstream/host';
import { startActiveHealth, type ActiveHealthChecker } from './active';
import type { ActiveHealthConfig } from './plan';

interface Seen {
  method: string;
  url: string;
  host: string | undefined;
  rawHeaders: string[];
  body: string;
}

/** A real upstream on 127.0.0.1:0 (or a unix socket) that counts and records its requests. */
interface Upstream {
  address: string;
  port: number;
  hits: number;
  inFlight: number;
  maxInFlight: number;
  seen: Seen[];
  closedRequests: number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function upstream(handler: Handler, socketPath?: string): Promise<Upstream> {
  const u: Upstream = { address: '', port: 0, hits: 0, inFlight: 0, maxInFlight: 0, seen: [], closedRequests: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    const n = u.hits++;
    u.inFlight++;
    u.maxInFlight = Math.max(u.maxInFlight, u.inFlight);
    res.on('close', () => {
      u.inFlight--;
      if (!res.writableFinished) u.closedRequests++;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      u.seen.push({ method: req.method!, url: req.url!, host: req.headers.host, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() });
      handler(req, res, n);
    });
  });
  await new Promise<void>((resolve) => (socketPath ? server.listen(socketPath, resolve) : server.listen(0, '127.0.0.1', resolve)));
  if (socketPath) u.address = `unix/${socketPath}`;
  else {
    u.port = (server.address() as net.AddressInfo).port;
    u.address = `127.0.0.1:${u.port}`;
  }
  u.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  cleanups.push(u.close);
  return u;
}

const status = (code: number, body = '', headers: http.OutgoingHttpHeaders = {}): Handler => (_req, res) => {
  res.writeHead(code, headers).end(body);
};

/** Statuses by probe number; the last one repeats. */
const sequence = (codes: number[]): Handler => (_req, res, n) => {
  res.writeHead(codes[Math.min(n, codes.length - 1)]!).end();
};

const hang: Handler = () => {};

interface Transition {
  address: string;
  healthy: boolean;
  reason: string;
  hits: number;
}

function check(cfg: ActiveHealthConfig, hosts: Host[], counter?: Upstream, now?: () => number): { checker: ActiveHealthChecker; events: Transition[] } {
  const events: Transition[] = [];
  const checker = startActiveHealth(cfg, hosts, {
    onTransition: (address, healthy, reason) => events.push({ address, healthy, reason, hits: counter?.hits ?? -1 }),
    ...(now ? { now } : {}),
  });
  cleanups.push(() => checker.stop());
  return { checker, events };
}

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const fast = { interval: '30ms', timeout: '500ms' } as const;

describe('active health: failures', () => {
  test('a 500 marks the host unhealthy and the transition names the status', async () => {
    const u = await upstream(status(500));
    const host = new Host(u.address);
    const { events } = check({ uri: '/health', ...fast }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.deepEqual(events.map((e) => [e.address, e.healthy, e.reason]), [[u.address, false, 'status 500']]);
    assert.equal(u.seen[0]!.url, '/health');
    assert.equal(u.seen[0]!.method, 'GET');
  });

  test('a body that does not match expect_body fails; once it matches the host recovers', async () => {
    let body = 'starting';
    const u = await upstream((_req, res) => res.end(body));
    const host = new Host(u.address);
    const { events } = check({ uri: '/ready', expect_body: '^ready\\b', ...fast }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.match(events[0]!.reason, /body does not match/);
    body = 'ready: all good';
    await waitFor(() => host.activeHealthy, 'healthy again');
    assert.deepEqual(events.map((e) => e.healthy), [false, true]);
  });

  test('only the first max_size bytes of the body are matched', async () => {
    const u = await upstream(status(200, 'x'.repeat(100) + 'OK'));
    const host = new Host(u.address);
    check({ uri: '/', expect_body: 'OK', max_size: 50, ...fast }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    const whole = new Host(u.address);
    check({ uri: '/', expect_body: 'OK', max_size: 200, ...fast }, [whole], u);
    const before = u.hits;
    await waitFor(() => u.hits >= before + 3, 'three probes');
    assert.equal(whole.activeHealthy, true);
  });

  test('a probe slower than timeout fails as a timeout', async () => {
    const u = await upstream(hang);
    const host = new Host(u.address);
    const started = performance.now();
    const { events } = check({ uri: '/', interval: '30ms', timeout: '100ms' }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.ok(performance.now() - started >= 95, 'not before the timeout');
    assert.equal(events[0]!.reason, 'timeout after 100ms');
    await waitFor(() => u.closedRequests >= 1, 'the timed-out request to be closed');
  });

  test('a closed port fails with the connection error', async () => {
    const host = new Host(`127.0.0.1:${await closedPort()}`);
    const { events } = check({ uri: '/', ...fast }, [host]);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.match(events[0]!.reason, /ECONNREFUSED/);
  });

  test('a unix socket address is probed over the socket', async () => {
    const u = await upstream(status(503), path.join(os.tmpdir(), `sw-health-${process.pid}-${Date.now()}.sock`));
    const host = new Host(u.address);
    check({ uri: '/', ...fast }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.equal(u.hits >= 1, true);
  });
});

describe('active health: thresholds', () => {
  test('fails: 3 needs three failures in a row (a success in between restarts the count)', async () => {
    const u = await upstream(sequence([500, 500, 200, 500, 500, 500]));
    const host = new Host(u.address);
    const { events } = check({ uri: '/', fails: 3, ...fast }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.hits, 6, 'flipped on the sixth probe exactly');
  });

  test('recovery needs passes: 3 successes in a row and stamps availableSince for slow start', async () => {
    const u = await upstream(sequence([200, 200, 500, 200, 200, 200]));
    const host = new Host(u.address, 0);
    host.activeHealthy = false;
    const { events } = check({ uri: '/', passes: 3, ...fast }, [host], u, () => 4242);
    await waitFor(() => host.activeHealthy, 'healthy');
    assert.deepEqual(events.map((e) => [e.healthy, e.hits]), [[true, 6]]);
    assert.equal(host.availableSince, 4242);
  });

  test('without a custom clock availableSince is performance.now() at recovery', async () => {
    const u = await upstream(status(200));
    const host = new Host(u.address, 0);
    host.activeHealthy = false;
    const before = performance.now();
    check({ uri: '/', ...fast }, [host], u);
    await waitFor(() => host.activeHealthy, 'healthy');
    assert.ok(host.availableSince >= before && host.availableSince <= performance.now());
  });
});

describe('active health: status rules and redirects', () => {
  test('expect_status 2 accepts any 2xx and rejects a 3xx', async () => {
    let code = 204;
    const u = await upstream((_req, res) => res.writeHead(code).end());
    const host = new Host(u.address);
    const { events } = check({ uri: '/', expect_status: 2, ...fast }, [host], u);
    await waitFor(() => u.hits >= 3, 'three probes');
    assert.equal(host.activeHealthy, true);
    code = 302;
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.equal(events[0]!.reason, 'status 302');
  });

  test('by default a 3xx is healthy and its Location is not followed', async () => {
    const u = await upstream((req, res) => (req.url === '/health' ? res.writeHead(302, { location: '/gone' }).end() : res.writeHead(500).end()));
    const host = new Host(u.address);
    check({ uri: '/health', ...fast }, [host], u);
    await waitFor(() => u.hits >= 3, 'three probes');
    assert.equal(host.activeHealthy, true);
    assert.ok(u.seen.every((s) => s.url === '/health'));
  });

  test('follow_redirects judges the final response', async () => {
    const u = await upstream((req, res) => (req.url === '/health' ? res.writeHead(302, { location: '/gone?x=1' }).end() : res.writeHead(500).end()));
    const host = new Host(u.address);
    const { events } = check({ uri: '/health', follow_redirects: true, ...fast }, [host], u);
    await waitFor(() => !host.activeHealthy, 'unhealthy');
    assert.equal(events[0]!.reason, 'status 500');
    assert.deepEqual(u.seen.slice(0, 2).map((s) => s.url), ['/health', '/gone?x=1']);
  });
});

describe('active health: the request', () => {
  test('port probes that port on the host address, with host:port as the default Host', async () => {
    const data = await upstream(status(500));
    const health = await upstream(status(200));
    const host = new Host(data.address);
    host.activeHealthy = false;
    check({ port: health.port, ...fast }, [host], health);
    await waitFor(() => host.activeHealthy, 'healthy via the health port');
    assert.equal(data.hits, 0);
    assert.equal(health.seen[0]!.url, '/');
    assert.equal(health.seen[0]!.host, `127.0.0.1:${health.port}`);
  });

  test('method, body, headers, the Host override and the uri query reach the upstream', async () => {
    const u = await upstream(status(200));
    const host = new Host(u.address);
    check({
      uri: '/status?full=1', method: 'POST', body: 'ping',
      headers: { Host: ['svc.internal'], 'X-Probe': ['a', 'b'] }, ...fast,
    }, [host], u);
    await waitFor(() => u.seen.length >= 1, 'a probe');
    const s = u.seen[0]!;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/status?full=1');
    assert.equal(s.host, 'svc.internal');
    assert.equal(s.body, 'ping');
    const probes: string[] = [];
    for (let i = 0; i < s.rawHeaders.length; i += 2) if (s.rawHeaders[i]!.toLowerCase() === 'x-probe') probes.push(s.rawHeaders[i + 1]!);
    assert.deepEqual(probes, ['a', 'b']);
  });

  test('without uri, path or port nothing is probed (Caddy)', async () => {
    const u = await upstream(status(500));
    const host = new Host(u.address);
    check({ interval: '20ms', timeout: '100ms' }, [host], u);
    await sleep(120);
    assert.equal(u.hits, 0);
    assert.equal(host.activeHealthy, true);
  });
});

describe('active health: scheduling and stop', () => {
  test('the first probe runs at once, not after the interval', async () => {
    const u = await upstream(status(200));
    check({ uri: '/', interval: '1h' }, [new Host(u.address)], u);
    await waitFor(() => u.hits === 1, 'the first probe', 1000);
  });

  test('probes of one host never overlap, and hosts are probed in parallel', async () => {
    const slow = await upstream((_req, res) => setTimeout(() => res.end(), 200));
    const broken = await upstream(status(500));
    const a = new Host(slow.address);
    const b = new Host(broken.address);
    check({ uri: '/', interval: '20ms', timeout: '1s' }, [a, b, a]);
    await waitFor(() => !b.activeHealthy, 'the broken host to go down');
    assert.deepEqual([slow.hits, slow.inFlight], [1, 1], 'the slow host\'s first probe is still pending');
    await waitFor(() => slow.hits >= 3, 'three slow probes');
    assert.equal(slow.maxInFlight, 1);
    assert.equal(a.activeHealthy, true);
  });

  test('stop() aborts an in-flight probe and no state changes afterwards', async () => {
    const u = await upstream(hang);
    const host = new Host(u.address);
    const { checker, events } = check({ uri: '/', interval: '30ms', timeout: '600ms' }, [host], u);
    await waitFor(() => u.hits === 1, 'a probe in flight');
    const stopped = performance.now();
    checker.stop();
    await waitFor(() => u.closedRequests === 1, 'the probe connection to close');
    assert.ok(performance.now() - stopped < 400, 'aborted, not timed out');
    await sleep(700);
    assert.equal(host.activeHealthy, true);
    assert.equal(host.activeFails, 0);
    assert.deepEqual(events, []);
    assert.equal(u.hits, 1);
  });

  test('stop() ends the schedule: no probe starts after it', async () => {
    const u = await upstream(status(500));
    const host = new Host(u.address);
    const { checker, events } = check({ uri: '/', fails: 1000, interval: '20ms' }, [host], u);
    await waitFor(() => u.hits >= 3, 'three probes');
    checker.stop();
    checker.stop();
    await sleep(30);
    const hits = u.hits;
    const fails = host.activeFails;
    await sleep(150);
    assert.equal(u.hits, hits);
    assert.equal(host.activeFails, fails);
    assert.deepEqual(events, []);
  });
});
