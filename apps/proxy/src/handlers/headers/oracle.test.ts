import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, serveRoutes, type Reply, type Served } from '../../placeholders/harness';
import { caddyVersion, startCaddy, type RunningCaddy } from '../../placeholders/oracle';
import { createReverseProxy } from '../reverse-proxy';
import type { HandlerFactory } from '../../runtime/routes';
import { createHeaders } from './index';

// Header operations in front of reverse_proxy, served by caddy and by Switchyard: the upstream
// reports the request headers it received; the response headers come back through the ops.
// Response ops are `deferred` here: Switchyard always applies them when the head is written.
const CASES: Record<string, unknown>[] = [
  { request: { set: { 'X-A': ['a', 'b'] } } },
  { request: { add: { 'X-Thing': ['new'], Cookie: ['d=2'] } } },
  { request: { delete: ['x-thing'] } },
  { request: { delete: ['X-*'] } },
  { request: { delete: ['*-thing'] } },
  { request: { delete: ['*hin*'] } },
  { request: { replace: { 'X-Thing': [{ search: 'b', replace: 'Z' }] } } },
  { request: { replace: { 'x-thing': [{ search_regexp: '(a) (b)', replace: '$2-$1' }] } } },
  { request: { replace: { 'X-Thing': [{ search_regexp: '(a)', replace: '${1}x' }] } } },
  { request: { replace: { 'X-Thing': [{ search_regexp: '(a)', replace: '$1x' }] } } },
  { request: { replace: { 'X-Thing': [{ search_regexp: '(?P<first>a)', replace: '[${first}]$$' }] } } },
  { request: { replace: { 'X-Thing': [{ search_regexp: '(?i)A', replace: 'k' }] } } },
  { request: { replace: { '*': [{ search: 'a', replace: 'Q' }] } } },
  { request: { set: { 'X-A': ['1'] }, add: { 'X-A': ['2'] }, delete: ['x-a'] } },
  { request: { add: { 'X-A': ['2'] }, set: { 'X-A': ['1'] } } },
  {
    request: {
      set: {
        'X-P': ['{http.request.host}|{http.request.hostport}|{http.request.method}|{http.request.uri}|{http.request.uri.path}|{http.request.uri.query}|{http.request.scheme}|{http.request.proto}|{http.request.uri.query.k}|{http.request.cookie.c}|{unknown.x}|{http.request.header.x-thing}|{http.request.remote.host}'],
      },
    },
  },
  { response: { set: { 'X-Up': ['override'] }, deferred: true } },
  { response: { add: { 'X-New': ['1', '2'], 'X-Up': ['more'] }, deferred: true } },
  { response: { replace: { 'X-Up': [{ search: 'u', replace: 'v' }] }, deferred: true } },
  { response: { delete: ['x-u*'], deferred: true } },
  { response: { set: { 'X-U': ['{http.reverse_proxy.upstream.hostport}|{http.reverse_proxy.upstream.port}'] }, deferred: true } },
  { response: { set: { 'X-Req': ['yes'] }, require: { status_code: [2], headers: { 'X-Up': ['u*'] } } } },
  { response: { set: { 'X-Req': ['yes'] }, require: { status_code: [4] } } },
  { response: { set: { 'X-Req': ['yes'] }, require: { headers: { 'X-None': [] } } } },
  { response: { set: { 'X-Req': ['yes'] }, require: { headers: { 'X-Up': [] } } } },
];

/** Header lines of interest as name -> values joined the way a recipient combines them. */
function fields(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!.toLowerCase();
    if (!(n.startsWith('x-') || n === 'cookie') || n.startsWith('x-forwarded-')) continue;
    out[n] = out[n] === undefined ? raw[i + 1]! : `${out[n]}${n === 'cookie' ? '; ' : ', '}${raw[i + 1]}`;
  }
  return out;
}

const version = caddyVersion();

describe(`headers matches caddy (${version ?? 'caddy not installed'})`, { skip: version === undefined }, () => {
  let upstream: http.Server;
  let caddy: RunningCaddy;
  let ours: Served;

  before(async () => {
    upstream = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-up': 'u1' });
      res.end(JSON.stringify(req.rawHeaders));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const dial = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const routes = CASES.map((c, i) => ({
      match: [{ host: [`c${i}.test`] }],
      handle: [{ handler: 'headers', ...c }, { handler: 'reverse_proxy', upstreams: [{ dial }] }],
      terminal: true,
    }));
    [caddy, ours] = await Promise.all([
      startCaddy(routes),
      serveRoutes(routes, { headers: createHeaders, reverse_proxy: createReverseProxy as unknown as HandlerFactory }),
    ]);
  });
  after(async () => {
    await Promise.all([caddy?.stop(), ours?.close()]);
    upstream.closeAllConnections();
    upstream.close();
  });

  CASES.forEach((c, i) => {
    test(JSON.stringify(c), async () => {
      const headers = { host: `c${i}.test`, 'x-thing': 'a b&c', 'x-other': 'zz', cookie: 'c=cv; e=f' };
      const get = (port: number) => request(port, '/p?k=v%20w', { headers });
      const [theirs, mine]: Reply[] = await Promise.all([get(caddy.port), get(ours.port)]);
      assert.equal(mine.status, theirs.status);
      assert.deepEqual(fields(JSON.parse(mine.body.toString()) as string[]), fields(JSON.parse(theirs.body.toString()) as string[]), 'request headers at the upstream');
      assert.deepEqual(fields(mine.rawHeaders), fields(theirs.rawHeaders), 'response headers at the client');
    });
  });
});
