import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, serveRoutes, type Served } from '../../placeholders/harness';
import { createHeaders } from '../headers';
import { createStaticResponse } from '../static-response';
import { createRateLimit } from './index';

let served: Served;
const ok = { handler: 'static_response', body: 'ok' };
const route = (host: string, handle: unknown[]) => ({ match: [{ host: [host] }], handle, terminal: true });

before(async () => {
  served = await serveRoutes([
    route('one.test', [{ handler: 'rate_limit', zone: 'one', rate: 1 }, ok]),
    route('slow.test', [{ handler: 'rate_limit', zone: 'slow', rate: 0.5, burst: 2 }, ok]),
    route('key.test', [{ handler: 'rate_limit', zone: 'key', rate: 1, burst: 1, key: '{http.request.header.X-Api-Key}' }, ok]),
    route('shared-a.test', [{ handler: 'rate_limit', zone: 'shared', rate: 1, burst: 2 }, ok]),
    route('shared-b.test', [{ handler: 'rate_limit', zone: 'shared', rate: 1, burst: 2 }, ok]),
    route('status.test', [
      { handler: 'headers', response: { set: { 'X-Limited': ['{http.request.client_ip}'] }, require: { status_code: [503] } } },
      { handler: 'rate_limit', zone: 'status', rate: 1, status_code: 503 },
      ok,
    ]),
    route('conc.test', [{ handler: 'rate_limit', zone: 'conc', rate: 1000, max_concurrent: 2 }, { handler: 'delay', ms: 200 }, ok]),
    route('xff.test', [{ handler: 'rate_limit', zone: 'xff', rate: 1 }, ok]),
  ], { rate_limit: createRateLimit, static_response: createStaticResponse, headers: createHeaders }, { trustedProxies: ['127.0.0.1/32'] });
});
after(() => served.close());

const get = (host: string, headers: Record<string, string> = {}) => request(served.port, '/', { headers: { host, ...headers } });

describe('rate_limit: token bucket', () => {
  test('burst defaults to ceil(rate); the next request gets 429 with Retry-After', async () => {
    assert.equal((await get('one.test')).status, 200);
    const r = await get('one.test');
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.body.length, 0);
  });
  test('Retry-After is the wait for the next token in whole seconds', async () => {
    assert.equal((await get('slow.test')).status, 200);
    assert.equal((await get('slow.test')).status, 200);
    const r = await get('slow.test');
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '2');
  });
  test('tokens come back at the configured rate', async () => {
    assert.equal((await get('xff.test', { 'x-forwarded-for': '198.51.100.1' })).status, 200);
    assert.equal((await get('xff.test', { 'x-forwarded-for': '198.51.100.1' })).status, 429);
    await new Promise((r) => setTimeout(r, 1050));
    assert.equal((await get('xff.test', { 'x-forwarded-for': '198.51.100.1' })).status, 200);
  });
  test('keys by client IP after trusted_proxies by default: clients behind the proxy are separate', async () => {
    assert.equal((await get('xff.test', { 'x-forwarded-for': '198.51.100.2' })).status, 200);
    assert.equal((await get('xff.test', { 'x-forwarded-for': '198.51.100.3' })).status, 200);
    assert.equal((await get('xff.test', { 'x-forwarded-for': '198.51.100.2' })).status, 429);
  });
  test('a header key gives each value its own bucket', async () => {
    assert.equal((await get('key.test', { 'x-api-key': 'alpha' })).status, 200);
    assert.equal((await get('key.test', { 'x-api-key': 'beta' })).status, 200);
    assert.equal((await get('key.test', { 'x-api-key': 'alpha' })).status, 429);
  });
  test('routes naming the same zone share its buckets', async () => {
    assert.equal((await get('shared-a.test')).status, 200);
    assert.equal((await get('shared-b.test')).status, 200);
    assert.equal((await get('shared-a.test')).status, 429);
    assert.equal((await get('shared-b.test')).status, 429);
  });
  test('a custom status goes through the response hooks like any answer', async () => {
    await get('status.test');
    const r = await get('status.test');
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-limited'], '127.0.0.1');
    assert.equal(r.headers['retry-after'], '1');
  });
});

describe('rate_limit: max_concurrent', () => {
  test('at most N requests of one client are in flight; a slot frees when its response ends', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => get('conc.test')));
    const codes = results.map((r) => r.status).sort();
    assert.deepEqual(codes, [200, 200, 429, 429, 429]);
    assert.equal((await get('conc.test')).status, 200);
  });
});
