import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import { ConfigStore } from '../store';
import { DrainStore } from '../drain/store';

const JSON_CT = { 'content-type': 'application/json' };
const A = '127.0.0.1:19101';
const B = '127.0.0.1:19102';

function doc(extraPool = false) {
  const pool = (id: string, dials: string[]) => ({ '@id': id, handler: 'reverse_proxy', upstreams: dials.map((dial) => ({ dial })) });
  const routes = [{ handle: [pool('app', [A, B])] }];
  if (extraPool) routes.push({ handle: [pool('other', [A, B])] });
  return { apps: { http: { servers: { lb: { listen: ['127.0.0.1:18080'], routes } } } } };
}

async function app(file = ':memory:', extraPool = false, loadDoc = true): Promise<{ app: FastifyInstance; store: ConfigStore }> {
  const store = ConfigStore.open({ file });
  const a = buildApp({ store });
  after(async () => {
    await a.close();
    store.close();
  });
  await a.ready();
  if (loadDoc) {
    const r = await a.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: JSON.stringify(doc(extraPool)) });
    assert.equal(r.statusCode, 200, r.body);
  }
  return { app: a, store };
}

const call = async (a: FastifyInstance, method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, body?: unknown) => {
  const r = await a.inject({ method, url, ...(body === undefined ? {} : { headers: JSON_CT, payload: JSON.stringify(body) }) });
  return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null, revision: r.headers['switchyard-revision'] };
};

const upstream = async (a: FastifyInstance, pool: string, i: number) => (await call(a, 'GET', `/id/${pool}/upstreams/${i}`)).json;

describe('drain routes (an admin without proxy nodes: nothing is in flight anywhere)', () => {
  test('POST answers 202 with the job; the drain completes and writes the drained revision', async () => {
    const { app: a } = await app();
    const r = await call(a, 'POST', `/reverse_proxy/upstreams/${A}/drain`);
    assert.equal(r.status, 202);
    assert.equal(r.revision, '2');
    assert.equal(r.json.address, A);
    assert.deepEqual(r.json.pools, ['app']);
    assert.equal(r.json.revision, 2);
    const done = await call(a, 'GET', `/reverse_proxy/upstreams/${A}/drain?wait=2s`);
    assert.equal(done.status, 200);
    assert.equal(done.json.state, 'drained');
    assert.equal(done.json.complete, true);
    assert.equal(done.json.final_revision, 3);
    assert.deepEqual(await upstream(a, 'app', 0), { dial: A, state: 'drained' });
    const revs = (await call(a, 'GET', '/revisions?limit=2')).json.revisions;
    assert.deepEqual(revs.map((x: any) => [x.revision, x.source, x.path]), [[3, 'drain:1', `/reverse_proxy/upstreams/${A}/drain`], [2, null, `/reverse_proxy/upstreams/${A}/drain`]]);
  });

  test('options come from the query or a JSON body; bad ones are 400', async () => {
    const { app: a } = await app();
    const r = await call(a, 'POST', `/reverse_proxy/upstreams/${A}/drain?on_timeout=close`, { timeout: '5m', keep_sticky: true });
    assert.equal(r.status, 202);
    assert.deepEqual([r.json.timeout_ms, r.json.on_timeout, r.json.keep_sticky], [300_000, 'close', true]);
    assert.ok(Math.abs(Date.parse(r.json.deadline) - Date.now() - 300_000) < 5000);
    assert.equal((await upstream(a, 'app', 0)).keep_sticky, true);
    for (const [q, body] of [['?timeout=soon', undefined], ['?on_timeout=drop', undefined], ['', { tiemout: '1s' }], ['?wait=forever', undefined]] as const) {
      const bad = await call(a, 'POST', `/reverse_proxy/upstreams/${B}/drain${q}`, body);
      assert.equal(bad.status, 400, `${q} ${JSON.stringify(body)}`);
      assert.equal(bad.json.code, 'ADM_ERR_BAD_REQUEST');
    }
    assert.equal((await upstream(a, 'app', 1)).state, undefined, 'a refused drain changes nothing');
  });

  test('unknown pool, unknown address and a drain never started are 404 with their codes', async () => {
    const { app: a } = await app();
    assert.equal((await call(a, 'POST', `/reverse_proxy/upstreams/${A}/drain?pool=nope`)).json.code, 'ADM_ERR_POOL_NOT_FOUND');
    const missing = await call(a, 'POST', '/reverse_proxy/upstreams/127.0.0.1:1/drain');
    assert.deepEqual([missing.status, missing.json.code], [404, 'ADM_ERR_UPSTREAM_NOT_FOUND']);
    const never = await call(a, 'GET', `/reverse_proxy/upstreams/${B}/drain`);
    assert.deepEqual([never.status, never.json.code], [404, 'ADM_ERR_DRAIN_NOT_FOUND']);
  });

  test('an address in two pools is drained in both, or in the one named by pool', async () => {
    const { app: a } = await app(':memory:', true);
    await call(a, 'POST', `/reverse_proxy/upstreams/${A}/drain?pool=other`);
    assert.equal((await upstream(a, 'app', 0)).state, undefined);
    assert.equal((await call(a, 'GET', `/reverse_proxy/upstreams/${A}/drain?pool=other&wait=2s`)).json.state, 'drained');
    assert.equal((await upstream(a, 'other', 0)).state, 'drained');
    assert.equal((await call(a, 'DELETE', `/reverse_proxy/upstreams/${A}/drain?pool=other`)).status, 200);
    const both = await call(a, 'POST', `/reverse_proxy/upstreams/${B}/drain?wait=2s`);
    assert.equal(both.status, 200);
    assert.deepEqual(both.json.pools, ['app', 'other']);
    assert.deepEqual([(await upstream(a, 'app', 1)).state, (await upstream(a, 'other', 1)).state], ['drained', 'drained']);
    const undrain = await call(a, 'DELETE', `/reverse_proxy/upstreams/${B}/drain?pool=app`);
    assert.deepEqual(undrain.json.pools, ['app']);
    assert.deepEqual([(await upstream(a, 'app', 1)).state, (await upstream(a, 'other', 1)).state], [undefined, 'drained']);
  });

  test('the last available upstream is refused with 409 unless force=true; DELETE puts it back', async () => {
    const { app: a } = await app();
    await call(a, 'POST', `/reverse_proxy/upstreams/${A}/drain?wait=1s`);
    const refused = await call(a, 'POST', `/reverse_proxy/upstreams/${B}/drain`);
    assert.deepEqual([refused.status, refused.json.code, refused.json.pools], [409, 'ADM_ERR_LAST_UPSTREAM', ['app']]);
    assert.equal((await call(a, 'GET', '/revisions?limit=1')).json.current, 3, 'nothing stored');
    assert.equal((await call(a, 'POST', `/reverse_proxy/upstreams/${B}/drain?force=true`)).status, 202);
    const back = await call(a, 'DELETE', `/reverse_proxy/upstreams/${A}/drain`);
    assert.equal(back.status, 200);
    assert.deepEqual([back.json.state, back.json.pools], ['active', ['app']]);
    assert.deepEqual(await upstream(a, 'app', 0), { dial: A });
  });

  test('a job found draining when the admin starts is resumed and completed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-drain-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'switchyard.db');
    const first = await app(file);
    assert.equal((await call(first.app, 'PUT', '/id/app/upstreams/0/state', 'draining')).status, 200);
    const jobs = new DrainStore(file);
    const rec = jobs.insert({
      address: A, pools: ['app'], state: 'draining', revision: 2, startedAt: new Date().toISOString(), finishedAt: null, timeoutMs: null, deadlineMs: null,
      onTimeout: 'keep', keepSticky: false, remove: false, timedOut: false, closed: null, workers: [], finalRevision: null, error: null,
    });
    jobs.close();
    await first.app.close();
    first.store.close();

    const second = await app(file, false, false);
    const done = await call(second.app, 'GET', `/reverse_proxy/upstreams/${A}/drain?wait=2s`);
    assert.deepEqual([done.json.id, done.json.state, done.json.final_revision], [rec.id, 'drained', 3]);
    assert.equal((await upstream(second.app, 'app', 0)).state, 'drained');
  });
});
