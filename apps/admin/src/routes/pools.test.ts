import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import { ConfigStore } from '../store';

const JSON_CT = { 'content-type': 'application/json' };
const A = '127.0.0.1:19101';
const B = '127.0.0.1:19102';
const C = '127.0.0.1:19103';

async function app(handler: Record<string, unknown>): Promise<FastifyInstance> {
  const store = ConfigStore.open({ file: ':memory:' });
  const a = buildApp({ store });
  after(async () => {
    await a.close();
    store.close();
  });
  const d = { apps: { http: { servers: { lb: { listen: ['127.0.0.1:18080'], routes: [{ handle: [{ handler: 'reverse_proxy', ...handler }] }] } } } } };
  const r = await a.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: JSON.stringify(d) });
  assert.equal(r.statusCode, 200, r.body);
  return a;
}

async function call(a: FastifyInstance, method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const r = await a.inject({ method, url, ...(body === undefined ? {} : { headers: JSON_CT, payload: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null, revision: r.headers['switchyard-revision'] };
}

const handler = async (a: FastifyInstance) => (await call(a, 'GET', '/config/apps/http/servers/lb/routes/0/handle/0')).json;

describe('pools by id, upstreams by address', () => {
  test('GET /pools lists each reverse_proxy handler with its upstreams; an unnamed pool is addressed by its URL-encoded pointer', async () => {
    const a = await app({ upstreams: [{ dial: A }, { dial: B, weight: 3, backup: true }] });
    const list = await call(a, 'GET', '/pools');
    const id = '/apps/http/servers/lb/routes/0/handle/0';
    assert.deepEqual(list.json.map((p: any) => [p.id, p.policy, p.server]), [[id, 'random', 'lb']]);
    assert.deepEqual(list.json[0].upstreams[1], {
      address: B, weight: 3, backup: true, state: 'active', keep_sticky: false, max_requests: null, healthy: true, in_flight: 0, upgraded: 0, workers: 0, drain: null,
    });
    const one = await call(a, 'GET', `/pools/${encodeURIComponent(id)}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.id, id);
    assert.equal((await call(a, 'GET', `/pools/${encodeURIComponent(id)}/upstreams/${A}`)).json.address, A);
    assert.equal((await call(a, 'GET', '/pools/nope')).json.code, 'ADM_ERR_POOL_NOT_FOUND');
    assert.equal((await call(a, 'GET', `/pools/${encodeURIComponent(id)}/upstreams/${C}`)).json.code, 'ADM_ERR_UPSTREAM_NOT_FOUND');
  });

  test('PUT appends or replaces in place, PATCH merges (null removes a field), DELETE removes; each is one revision', async () => {
    const a = await app({ '@id': 'app', upstreams: [{ dial: A }, { dial: B, max_requests: 5 }] });
    const put = await call(a, 'PUT', `/pools/app/upstreams/${C}`, { weight: 0 });
    assert.deepEqual([put.status, put.revision, put.json.upstream.address, put.json.upstream.weight], [200, '2', C, 0]);
    assert.equal((await call(a, 'PUT', `/pools/app/upstreams/${B}`, { weight: 2 })).status, 200);
    assert.deepEqual((await handler(a)).upstreams, [{ dial: A }, { dial: B, weight: 2 }, { dial: C, weight: 0 }], 'PUT replaced B whole, at its position');
    const patch = await call(a, 'PATCH', `/pools/app/upstreams/${B}`, { weight: null, backup: true });
    assert.equal(patch.status, 200);
    assert.deepEqual((await handler(a)).upstreams[1], { dial: B, backup: true });
    assert.equal((await call(a, 'PATCH', `/pools/app/upstreams/127.0.0.1:1`, { weight: 1 })).json.code, 'ADM_ERR_UPSTREAM_NOT_FOUND');
    const del = await call(a, 'DELETE', `/pools/app/upstreams/${C}`);
    assert.deepEqual([del.status, del.json.removed, del.revision], [200, true, '5']);
    assert.deepEqual((await handler(a)).upstreams.map((u: any) => u.dial), [A, B]);
  });

  test('bodies are checked: an object, the dial of the path, and values the config schema accepts', async () => {
    const a = await app({ '@id': 'app', upstreams: [{ dial: A }, { dial: B }] });
    assert.equal((await call(a, 'PUT', `/pools/app/upstreams/${C}`, [1])).json.code, 'ADM_ERR_BAD_REQUEST');
    assert.equal((await call(a, 'PUT', `/pools/app/upstreams/${C}`, { dial: A })).json.code, 'ADM_ERR_BAD_REQUEST');
    assert.equal((await call(a, 'PATCH', `/pools/app/upstreams/${A}`, '{"weight":')).json.code, 'ADM_ERR_BAD_JSON');
    const bad = await call(a, 'PATCH', `/pools/app/upstreams/${A}`, { weight: -1 });
    assert.equal(bad.status, 400);
    assert.match(bad.json.code, /^CFG_ERR_/);
    assert.equal(bad.json.path, '/apps/http/servers/lb/routes/0/handle/0/upstreams/0/weight');
    assert.equal((await call(a, 'PATCH', `/pools/app/upstreams/${A}`, { state: 'gone' })).status, 400);
  });

  test('a weighted_round_robin weights array follows additions and removals', async () => {
    const a = await app({ '@id': 'app', upstreams: [{ dial: A }, { dial: B }], load_balancing: { selection_policy: { policy: 'weighted_round_robin', weights: [3, 1] } } });
    assert.equal((await call(a, 'PUT', `/pools/app/upstreams/${C}`, { weight: 4 })).status, 200);
    assert.deepEqual((await handler(a)).load_balancing.selection_policy.weights, [3, 1, 4]);
    assert.equal((await call(a, 'DELETE', `/pools/app/upstreams/${A}`)).status, 200);
    assert.deepEqual((await handler(a)).load_balancing.selection_policy.weights, [1, 4]);
    assert.deepEqual((await call(a, 'GET', '/pools/app')).json.upstreams.map((u: any) => [u.address, u.weight]), [[B, 1], [C, 4]]);
  });

  test('removing or zeroing the last available upstream is 409 unless force=true; DELETE ?drain=true drains, then removes', async () => {
    const a = await app({ '@id': 'app', upstreams: [{ dial: A }, { dial: B, weight: 0 }] });
    const del = await call(a, 'DELETE', `/pools/app/upstreams/${A}`);
    assert.deepEqual([del.status, del.json.code], [409, 'ADM_ERR_LAST_UPSTREAM']);
    assert.equal((await call(a, 'PATCH', `/pools/app/upstreams/${A}`, { state: 'disabled' })).status, 409);
    assert.equal((await call(a, 'PATCH', `/pools/app/upstreams/${B}`, { weight: 1 })).status, 200, 'making another one available is always fine');
    const drained = await call(a, 'DELETE', `/pools/app/upstreams/${A}?drain=true&wait=2s`);
    assert.equal(drained.status, 200);
    assert.deepEqual([drained.json.removed, drained.json.job.state, drained.json.job.remove], [true, 'drained', true]);
    assert.deepEqual((await handler(a)).upstreams, [{ dial: B, weight: 1 }]);
    assert.equal((await call(a, 'DELETE', `/pools/app/upstreams/${B}?force=true`)).status, 200);
  });
});
