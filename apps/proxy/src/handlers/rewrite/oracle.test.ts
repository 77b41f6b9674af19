import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, serveRoutes, type Served } from '../../placeholders/harness';
import { caddyVersion, startCaddy, type RunningCaddy } from '../../placeholders/oracle';
import { createReverseProxy } from '../reverse-proxy';
import type { HandlerFactory } from '../../runtime/routes';
import { createRewrite } from './index';
import { REWRITE_CASES } from './cases';

// The same rewrite + reverse_proxy routes served by caddy and by Switchyard; the upstream
// reports the request line it received from each.
const version = caddyVersion();
const cases = REWRITE_CASES.filter((c) => c.caddy);

describe(`rewrite matches caddy (${version ?? 'caddy not installed'})`, { skip: version === undefined }, () => {
  let upstream: http.Server;
  let caddy: RunningCaddy;
  let ours: Served;

  before(async () => {
    upstream = http.createServer((req, res) => res.end(`${req.method} ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const dial = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const routes = cases.map((c, i) => ({
      match: [{ host: [`c${i}.test`] }],
      handle: [{ handler: 'rewrite', ...c.rw }, { handler: 'reverse_proxy', upstreams: [{ dial }] }],
      terminal: true,
    }));
    [caddy, ours] = await Promise.all([
      startCaddy(routes),
      serveRoutes(routes, { rewrite: createRewrite, reverse_proxy: createReverseProxy as unknown as HandlerFactory }),
    ]);
  });
  after(async () => {
    await Promise.all([caddy?.stop(), ours?.close()]);
    upstream.closeAllConnections();
    upstream.close();
  });

  cases.forEach((c, i) => {
    test(`${JSON.stringify(c.rw)} on ${c.from}`, async () => {
      const headers = { host: `c${i}.test`, 'x-thing': 'a b&c', ...c.headers };
      const [theirs, mine] = await Promise.all([request(caddy.port, c.from, { headers }), request(ours.port, c.from, { headers })]);
      assert.equal(mine.body.toString(), theirs.body.toString());
      assert.equal(mine.body.toString(), `${c.method ?? 'GET'} ${c.want}`);
    });
  });
});
