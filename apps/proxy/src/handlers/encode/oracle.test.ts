import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { request, type Reply, serveRoutes, type Served } from '../../placeholders/harness';
import { caddyVersion, startCaddy, type RunningCaddy } from '../../placeholders/oracle';
import { createReverseProxy } from '../reverse-proxy';
import type { HandlerFactory } from '../../runtime/routes';
import { createEncode } from './index';

// encode in front of reverse_proxy, served by caddy and by Switchyard. The upstream shapes its
// response from the query: n (size), ct (type), cl=0 (no Content-Length), chunks, ce, vary, status.
// Left out here (documented deviations, tested in index.test.ts): unknown-length responses whose
// first write is small (Caddy waits for it), untyped responses (Caddy sniffs), no-transform and
// strong ETags (caddy 2.6.2 ignores them), HEAD/204/304 (caddy 2.6.2 labels them gzip).
const CASES: [string | undefined, string][] = [
  ['gzip', '/?n=1000'],
  ['gzip', '/?n=512'],
  ['gzip', '/?n=513'],
  ['gzip', '/?n=1400&cl=0&chunks=2'],
  ['gzip', '/?n=1000&ct=application/octet-stream'],
  ['gzip', '/?n=1000&ct=application/xml'],
  ['gzip', '/?n=1000&ct=image/svg%2Bxml'],
  ['gzip', '/?n=1000&ct=application/xhtml%2Bxml'],
  ['gzip', '/?n=1000&ct=application/atom%2Bxml'],
  ['gzip', '/?n=1000&ct=application/rss%2Bxml'],
  ['gzip', '/?n=1000&ct=application/ld%2Bjson'],
  ['gzip', '/?n=1000&ct=application/wasm'],
  ['gzip', '/?n=1000&ct=application/json'],
  ['gzip', '/?n=1000&ct=application/javascript'],
  ['gzip', '/?n=1000&ct=text/html;%20charset=utf-8'],
  ['gzip', '/?n=1000&ct=TEXT/plain'],
  ['gzip;q=0', '/?n=1000'],
  ['identity', '/?n=1000'],
  ['*', '/?n=1000'],
  ['x-gzip', '/?n=1000'],
  ['br, gzip;q=0.5', '/?n=1000'],
  ['GZIP', '/?n=1000'],
  ['deflate, gzip;q=1.0', '/?n=1000'],
  ['gzip;q=abc', '/?n=1000'],
  ['gzip', '/?n=1000&ce=br'],
  ['gzip', '/?n=1000&vary=Origin'],
  [undefined, '/?n=1000'],
  ['gzip', '/?n=1000&status=404'],
];

function outcome(r: Reply): Record<string, unknown> {
  const enc = r.headers['content-encoding'];
  const vary = r.rawHeaders.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === 'vary' ? [r.rawHeaders[i + 1]] : []));
  return {
    status: r.status,
    encoding: enc,
    vary: vary.join(', '),
    acceptRanges: r.headers['accept-ranges'],
    body: (enc === 'gzip' ? zlib.gunzipSync(r.body) : r.body).toString(),
  };
}

const version = caddyVersion();

describe(`encode matches caddy (${version ?? 'caddy not installed'})`, { skip: version === undefined }, () => {
  let upstream: http.Server;
  let caddy: RunningCaddy;
  let ours: Served;

  before(async () => {
    upstream = http.createServer((req, res) => {
      const q = new URL(req.url!, 'http://x').searchParams;
      const n = Number(q.get('n') ?? 1000);
      const chunks = Number(q.get('chunks') ?? 1);
      const h: http.OutgoingHttpHeaders = { 'content-type': q.get('ct') ?? 'text/plain', 'accept-ranges': 'bytes' };
      if (q.get('ce')) h['content-encoding'] = q.get('ce')!;
      if (q.get('vary')) h['vary'] = q.get('vary')!;
      if (q.get('cl') !== '0') h['content-length'] = n;
      const text = Buffer.from('<html>' + 'a'.repeat(n - 6));
      res.writeHead(Number(q.get('status') ?? 200), h);
      const per = Math.ceil(n / chunks);
      let i = 0;
      const step = () => {
        if (i >= n) return res.end();
        res.write(text.subarray(i, i + per));
        i += per;
        setTimeout(step, 10);
      };
      step();
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const dial = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const routes = [{ handle: [{ handler: 'encode', encodings: { gzip: {} } }, { handler: 'reverse_proxy', upstreams: [{ dial }] }] }];
    [caddy, ours] = await Promise.all([
      startCaddy(routes),
      serveRoutes(routes, { encode: createEncode, reverse_proxy: createReverseProxy as unknown as HandlerFactory }),
    ]);
  });
  after(async () => {
    await Promise.all([caddy?.stop(), ours?.close()]);
    upstream.closeAllConnections();
    upstream.close();
  });

  for (const [ae, path] of CASES) {
    test(`Accept-Encoding ${JSON.stringify(ae)} for ${path}`, async () => {
      const headers = ae === undefined ? {} : { 'accept-encoding': ae };
      const [theirs, mine] = await Promise.all([request(caddy.port, path, { headers }), request(ours.port, path, { headers })]);
      assert.deepEqual(outcome(mine), outcome(theirs));
    });
  }
});
