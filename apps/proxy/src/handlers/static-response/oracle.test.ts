import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request, type Reply, serveRoutes, type Served } from '../../placeholders/harness';
import { caddyVersion, startCaddy, type RunningCaddy } from '../../placeholders/oracle';
import { createStaticResponse } from './index';

const CASES: Record<string, unknown>[] = [
  { body: 'hi {http.request.host} {foo.bar} \\{x\\} {http.request.uri.query.k} {http.request.method}' },
  { status_code: '418', headers: { 'X-A': ['{http.request.method}', '{foo.bar}x'], 'content-type': ['text/html'] } },
  { status_code: 204, body: 'x' },
  { close: true, body: 'bye' },
  { abort: true },
  {},
  { status_code: 301, headers: { Location: ['https://{http.request.host}{http.request.uri}'] } },
  { status_code: 503, headers: { 'Retry-After': ['5'] }, body: 'down for {http.request.uri.path}' },
];

function outcome(r: Reply): Record<string, unknown> {
  // node says "Connection: keep-alive" where Go stays silent: only "close" is compared
  const pick = ['content-type', 'content-length', 'location', 'retry-after', 'x-a'];
  const h: Record<string, string[]> = {};
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    const n = r.rawHeaders[i]!.toLowerCase();
    if (pick.includes(n)) (h[n] ??= []).push(r.rawHeaders[i + 1]!);
  }
  return { status: r.status, headers: h, close: /close/i.test(String(r.headers['connection'] ?? '')), body: r.body.toString() };
}

const version = caddyVersion();

describe(`static_response matches caddy (${version ?? 'caddy not installed'})`, { skip: version === undefined }, () => {
  let caddy: RunningCaddy;
  let ours: Served;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  before(async () => {
    const routes = CASES.map((c, i) => ({ match: [{ host: [`c${i}.test`] }], handle: [{ handler: 'static_response', ...c }], terminal: true }));
    [caddy, ours] = await Promise.all([startCaddy(routes), serveRoutes(routes, { static_response: createStaticResponse })]);
  });
  after(async () => {
    agent.destroy();
    await Promise.all([caddy?.stop(), ours?.close()]);
  });

  CASES.forEach((c, i) => {
    test(JSON.stringify(c), async () => {
      const opts = { headers: { host: `c${i}.test` }, agent };
      const theirs = await request(caddy.port, '/p/a%20b?k=v%20w', opts);
      const mine = await request(ours.port, '/p/a%20b?k=v%20w', opts);
      assert.deepEqual(outcome(mine), outcome(theirs));
    });
  });
});
