import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../app';
import { ConfigStore } from '../store';
import { tokenMatches } from './security';
import { defaultAllowedHosts, parseListenAddress } from './listen';

const HOSTS = defaultAllowedHosts(parseListenAddress('127.0.0.1:2019'), 2019);

function app(opts: { token?: string; hosts?: readonly string[] | null } = {}) {
  const store = ConfigStore.open({ file: ':memory:' });
  const a = buildApp({ store, token: opts.token, hosts: () => (opts.hosts === undefined ? HOSTS : opts.hosts) });
  after(async () => {
    await a.close();
    store.close();
  });
  return a;
}

const H = { host: 'localhost:2019' };

describe('listen addresses', () => {
  test('loopback, wildcard and other addresses are told apart', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:2019'), { host: '127.0.0.1', port: 2019, wildcard: false, loopback: true });
    assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0, wildcard: false, loopback: true });
    assert.deepEqual(parseListenAddress('[::1]:2019'), { host: '::1', port: 2019, wildcard: false, loopback: true });
    assert.deepEqual(parseListenAddress(':2019'), { host: '', port: 2019, wildcard: true, loopback: false });
    assert.deepEqual(parseListenAddress('0.0.0.0:2019'), { host: '0.0.0.0', port: 2019, wildcard: true, loopback: false });
    assert.deepEqual(parseListenAddress('10.1.2.3:2019'), { host: '10.1.2.3', port: 2019, wildcard: false, loopback: false });
  });
  for (const bad of ['2019', 'http://127.0.0.1:2019', '127.0.0.1:99999', '[zz]:1', '127.0.0.1']) {
    test(`${bad} is not a listen address`, () => assert.throws(() => parseListenAddress(bad), (e: any) => e.code === 'ADM_ERR_BAD_LISTEN'));
  }
  test('the allow-list is Caddy\'s: loopback names on the bound port; none for a wildcard', () => {
    assert.deepEqual(HOSTS, ['localhost:2019', '127.0.0.1:2019', '[::1]:2019']);
    assert.deepEqual(defaultAllowedHosts(parseListenAddress('[::1]:0'), 4000), ['localhost:4000', '127.0.0.1:4000', '[::1]:4000']);
    assert.deepEqual(defaultAllowedHosts(parseListenAddress('10.1.2.3:2019'), 2019), ['10.1.2.3:2019']);
    assert.equal(defaultAllowedHosts(parseListenAddress(':2019'), 2019), null);
  });
});

describe('Host allow-list (A.11)', () => {
  const a = app();
  for (const host of ['localhost:2019', '127.0.0.1:2019', '[::1]:2019']) {
    test(`Host ${host} is allowed`, async () => {
      const r = await a.inject({ url: '/config/', headers: { host } });
      assert.equal(r.statusCode, 200);
    });
  }
  for (const host of ['evil.example:2019', 'localhost', 'localhost:2020']) {
    test(`Host ${host} is 403 with Caddy's message, even on unknown paths`, async () => {
      for (const url of ['/config/', '/nope']) {
        const r = await a.inject({ url, headers: { host } });
        assert.equal(r.statusCode, 403);
        assert.equal(r.body, `{"error":"host not allowed: ${host}","code":"ADM_ERR_HOST_NOT_ALLOWED"}\n`);
      }
    });
  }
  test('a wildcard listen (no allow-list) accepts any Host', async () => {
    const r = await app({ hosts: null }).inject({ url: '/config/', headers: { host: 'evil.example:2019' } });
    assert.equal(r.statusCode, 200);
  });
});

describe('Origin rule (Caddy 2.11: enforced whenever Origin or Sec-Fetch-Mode is present)', () => {
  const a = app();
  test('an allowed Origin passes and is echoed for CORS', async () => {
    const r = await a.inject({ url: '/config/', headers: { ...H, origin: 'http://localhost:2019' } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['access-control-allow-origin'], 'http://localhost:2019');
    assert.match(String(r.headers['access-control-expose-headers']), /ETag/);
  });
  test('a foreign Origin is 403', async () => {
    const r = await a.inject({ url: '/config/', headers: { ...H, origin: 'http://evil.example' } });
    assert.equal(r.statusCode, 403);
    assert.equal(JSON.parse(r.body).error, "client is not allowed to access from origin 'http://evil.example'");
  });
  test('Sec-Fetch-Mode without Origin or Referer passes (what Node\'s fetch sends); with a foreign Referer it is 403', async () => {
    assert.equal((await a.inject({ url: '/config/', headers: { ...H, 'sec-fetch-mode': 'cors' } })).statusCode, 200);
    const r = await a.inject({ url: '/config/', headers: { ...H, 'sec-fetch-mode': 'navigate', referer: 'https://evil.example/page' } });
    assert.equal(r.statusCode, 403);
    assert.equal(JSON.parse(r.body).error, "client is not allowed to access from origin 'https://evil.example'");
  });
  test('a foreign Referer alone is 403 too', async () => {
    assert.equal((await a.inject({ url: '/config/', headers: { ...H, referer: 'http://evil.example/x' } })).statusCode, 403);
  });
  test('Sec-Fetch-Mode with an allowed Referer passes', async () => {
    const r = await a.inject({ url: '/config/', headers: { ...H, 'sec-fetch-mode': 'navigate', referer: 'http://127.0.0.1:2019/some/page' } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['access-control-allow-origin'], 'http://127.0.0.1:2019');
  });
  test('Origin: null and Sec-Fetch-Mode: no-cors are 400', async () => {
    for (const headers of [{ origin: 'null' }, { 'sec-fetch-mode': 'no-cors', origin: 'http://localhost:2019' }]) {
      const r = await a.inject({ url: '/config/', headers: { ...H, ...headers } });
      assert.equal(r.statusCode, 400);
      assert.equal(JSON.parse(r.body).code, 'ADM_ERR_BAD_ORIGIN');
    }
  });
  test('OPTIONS from an allowed origin gets the CORS headers and still 405 (Caddy)', async () => {
    const r = await a.inject({ method: 'OPTIONS', url: '/config/admin', headers: { ...H, origin: 'http://localhost:2019' } });
    assert.equal(r.statusCode, 405);
    assert.equal(r.body, '{"error":"method OPTIONS not allowed","code":"ADM_ERR_METHOD_NOT_ALLOWED"}\n');
    assert.equal(r.headers['access-control-allow-methods'], 'OPTIONS, GET, POST, PUT, PATCH, DELETE');
    assert.equal(r.headers['access-control-allow-credentials'], 'true');
  });
  test('admin.enforce_origin in the config requires an origin on every request; admin.origins extends the lists', async () => {
    const b = app();
    const doc = { admin: { enforce_origin: true, origins: ['admin.internal:2019', 'https://ui.example'] } };
    const put = await b.inject({ method: 'POST', url: '/load', headers: { ...H, 'content-type': 'application/json' }, payload: JSON.stringify(doc) });
    assert.equal(put.statusCode, 200);
    assert.equal((await b.inject({ url: '/config/', headers: H })).statusCode, 403);
    assert.equal((await b.inject({ url: '/config/', headers: { ...H, origin: 'http://localhost:2019' } })).statusCode, 200);
    assert.equal((await b.inject({ url: '/config/', headers: { host: 'admin.internal:2019', origin: 'http://admin.internal:2019' } })).statusCode, 200);
    assert.equal((await b.inject({ url: '/config/', headers: { ...H, origin: 'https://ui.example' } })).statusCode, 200);
    assert.equal((await b.inject({ url: '/config/', headers: { ...H, origin: 'http://ui.example' } })).statusCode, 403, 'scheme must match when given');
  });
});

describe('admin token', () => {
  const a = app({ token: 's3cret-token' });
  test('a request without the token is 401 with WWW-Authenticate, on every path', async () => {
    for (const url of ['/config/', '/revisions', '/nope']) {
      const r = await a.inject({ url, headers: H });
      assert.equal(r.statusCode, 401);
      assert.equal(JSON.parse(r.body).code, 'ADM_ERR_UNAUTHORIZED');
      assert.match(String(r.headers['www-authenticate']), /^Bearer /);
    }
  });
  test('a wrong token, or the right one in another scheme, is 401', async () => {
    for (const authorization of ['Bearer nope', 'Basic s3cret-token', 'Bearer s3cret-token extra', 'Bearer ']) {
      assert.equal((await a.inject({ url: '/config/', headers: { ...H, authorization } })).statusCode, 401, authorization);
    }
  });
  test('the right token passes (scheme case-insensitive)', async () => {
    for (const authorization of ['Bearer s3cret-token', 'bearer s3cret-token']) {
      assert.equal((await a.inject({ url: '/config/', headers: { ...H, authorization } })).statusCode, 200);
    }
  });
  test('tokenMatches compares whole tokens only', () => {
    assert.equal(tokenMatches('abc', 'Bearer abc'), true);
    assert.equal(tokenMatches('abc', 'Bearer ab'), false);
    assert.equal(tokenMatches('abc', 'Bearer abcd'), false);
    assert.equal(tokenMatches('abc', undefined), false);
  });
});
