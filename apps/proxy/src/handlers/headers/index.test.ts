import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchyardError } from '@switchyard/shared';
import { json, request, serveRoutes, type Served } from '../../placeholders/harness';
import { createHeaders } from './index';

let served: Served;
const route = (host: string, handle: unknown[]) => ({ match: [{ host: [host] }], handle, terminal: true });

before(async () => {
  served = await serveRoutes([
    route('req.test', [
      { handler: 'headers', request: { set: { 'x-set': ['{http.request.method} {http.request.uri.path}'] }, add: { 'X-Multi': ['two'] }, delete: ['x-drop-*'], replace: { 'user-agent': [{ search_regexp: '^(\\w+)/.*$', replace: '$1' }] } } },
      { handler: 'echo' },
    ]),
    route('res.test', [
      { handler: 'headers', response: { set: { 'X-Frame-Options': ['DENY'], 'Content-Type': ['text/x-replaced'] }, add: { 'Set-Cookie': ['b=2'] }, delete: ['server'] } },
      { handler: 'body', size: 10, headers: { 'x-frame-options': 'SAMEORIGIN', 'set-cookie': 'a=1', server: 'upstream' } },
    ]),
    route('require.test', [
      { handler: 'headers', response: { set: { 'X-Error': ['yes'] }, require: { status_code: [4] } } },
      { handler: 'headers', response: { set: { 'X-Json': ['yes'] }, require: { headers: { 'Content-Type': ['application/json*'] } } } },
      { handler: 'body', size: 10, status: 404, type: 'application/json; charset=utf-8' },
    ]),
    route('norequire.test', [
      { handler: 'headers', response: { set: { 'X-Error': ['yes'] }, require: { status_code: [4] } } },
      { handler: 'body', size: 10 },
    ]),
    route('upstream.test', [
      { handler: 'headers', response: { set: { 'X-Served-By': ['{http.reverse_proxy.upstream.hostport}'] } } },
      { handler: 'set_upstream', dial: '10.0.0.7:8080' },
      { handler: 'body', size: 10 },
    ]),
  ], { headers: createHeaders });
});
after(() => served.close());

describe('headers: request operations', () => {
  test('set/add/delete/replace reach the next handler in headers and rawHeaders (canonical spelling)', async () => {
    const r = await request(served.port, '/a/b', {
      headers: { host: 'req.test', 'x-multi': 'one', 'x-drop-me': '1', 'X-Drop-Too': '2', 'user-agent': 'curl/8.0' },
    });
    const seen = json<{ headers: Record<string, string>; rawHeaders: string[] }>(r);
    assert.equal(seen.headers['x-set'], 'GET /a/b');
    assert.equal(seen.headers['x-multi'], 'one, two');
    assert.equal(seen.headers['x-drop-me'], undefined);
    assert.equal(seen.headers['x-drop-too'], undefined);
    assert.equal(seen.headers['user-agent'], 'curl');
    const raw = seen.rawHeaders;
    assert.ok(raw.includes('X-Set') && raw.includes('X-Multi') && raw.includes('User-Agent'));
    assert.ok(!raw.some((n) => n.toLowerCase().startsWith('x-drop-')));
    assert.equal(raw[raw.indexOf('X-Multi') + 1], 'one, two');
  });
});

describe('headers: response operations apply to the final head', () => {
  test('the configured value replaces the one the response brought (Caddy would keep both unless deferred)', async () => {
    const r = await request(served.port, '/', { headers: { host: 'res.test' } });
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.equal(r.headers['content-type'], 'text/x-replaced');
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.headers['server'], undefined);
  });
  test('require gates on status class and on header patterns', async () => {
    const hit = await request(served.port, '/', { headers: { host: 'require.test' } });
    assert.equal(hit.status, 404);
    assert.equal(hit.headers['x-error'], 'yes');
    assert.equal(hit.headers['x-json'], 'yes');
    const miss = await request(served.port, '/', { headers: { host: 'norequire.test' } });
    assert.equal(miss.status, 200);
    assert.equal(miss.headers['x-error'], undefined);
  });
  test('upstream placeholders are known when the head is written', async () => {
    const r = await request(served.port, '/', { headers: { host: 'upstream.test' } });
    assert.equal(r.headers['x-served-by'], '10.0.0.7:8080');
  });
});

describe('headers: build errors', () => {
  test('an invalid search_regexp names its path', () => {
    assert.throws(
      () => createHeaders({ handler: 'headers', request: { replace: { 'X-A': [{ search_regexp: '(' }] } } } as never, {} as never, '/r/0/handle/1'),
      (e: unknown) => e instanceof SwitchyardError && e.code === 'PRX_ERR_CONFIG' && e.path === '/r/0/handle/1/request/replace/X-A/0/search_regexp',
    );
  });
});
