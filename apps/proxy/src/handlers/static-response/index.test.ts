import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request, serveRoutes, type Served } from '../../placeholders/harness';
import { createStaticResponse } from './index';

let served: Served;
const route = (host: string, h: Record<string, unknown>) => ({ match: [{ host: [host] }], handle: [{ handler: 'static_response', ...h }], terminal: true });

before(async () => {
  served = await serveRoutes([
    route('body.test', { body: 'hi {http.request.host} {foo.bar} \\{x\\} {http.request.uri.query.k}' }),
    route('headers.test', { status_code: '418', headers: { 'X-A': ['{http.request.method}', '{foo.bar}x'], 'Content-Type': ['text/html'] }, body: '<p>tea</p>' }),
    route('redirect.test', { status_code: 301, headers: { Location: ['https://{http.request.host}{http.request.uri}'] } }),
    route('nocontent.test', { status_code: 204, body: 'ignored' }),
    route('empty.test', {}),
    route('close.test', { close: true, body: 'bye' }),
    route('abort.test', { abort: true }),
  ], { static_response: createStaticResponse });
});
after(() => served.close());

const get = (host: string, path = '/p?k=v%20w', method = 'GET') => request(served.port, path, { method, headers: { host } });

describe('static_response', () => {
  test('body placeholders: known expanded, unknown kept, escaped braces literal; text/plain by default', async () => {
    const r = await get('body.test');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'hi body.test {foo.bar} {x} v w');
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.headers['content-length'], String(r.body.length));
  });
  test('status as a string; header values expand with unknown placeholders removed; several values are several lines', async () => {
    const r = await get('headers.test');
    assert.equal(r.status, 418);
    assert.equal(r.headers['content-type'], 'text/html');
    const xa = r.rawHeaders.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === 'x-a' ? [r.rawHeaders[i + 1]] : []));
    assert.deepEqual(xa, ['GET', 'x']);
    assert.equal(r.body.toString(), '<p>tea</p>');
  });
  test('a redirect built from placeholders', async () => {
    const r = await get('redirect.test');
    assert.equal(r.status, 301);
    assert.equal(r.headers['location'], 'https://redirect.test/p?k=v%20w');
    assert.equal(r.headers['content-length'], '0');
  });
  test('204 carries neither body nor Content-Length; no config answers 200 empty', async () => {
    const r = await get('nocontent.test');
    assert.equal(r.status, 204);
    assert.equal(r.headers['content-length'], undefined);
    assert.equal(r.body.length, 0);
    const e = await get('empty.test');
    assert.equal(e.status, 200);
    assert.equal(e.headers['content-length'], '0');
  });
  test('HEAD gets the head only', async () => {
    const r = await get('body.test', '/', 'HEAD');
    assert.equal(r.headers['content-length'], String('hi body.test {foo.bar} {x} '.length));
    assert.equal(r.body.length, 0);
  });
  test('close: the answer says Connection: close and the server closes a keep-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true });
    let closed = false;
    const r = await new Promise<http.IncomingMessage>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: served.port, path: '/', headers: { host: 'close.test' }, agent }, resolve);
      req.on('socket', (s) => s.once('close', () => (closed = true)));
    });
    r.resume();
    await new Promise((res) => r.once('end', res));
    assert.equal(r.headers['connection'], 'close');
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(closed, true);
    agent.destroy();
  });
  test('abort: the connection is dropped without an answer', async () => {
    const r = await get('abort.test');
    assert.equal(r.status, 0);
  });
});
