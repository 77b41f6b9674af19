import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJSON } from '@switchyard/shared';
import { caddyAdapted, caddyReverseProxy, LB_PROXY_POINTER, request, startAdminProcess, type AdminProcess } from '../helpers';

const JSON_CT = { 'content-type': 'application/json' };

/** A deep copy of c.json with `edit` applied to its reverse_proxy handler. */
function withHandler(edit: (h: Record<string, any>) => void): unknown {
  const doc = caddyReverseProxy() as any;
  edit(doc.apps.http.servers.lb.routes[0].handle[0]);
  return doc;
}

describe('Caddy reverse-proxy JSON loads unchanged and reads back equal', () => {
  let admin: AdminProcess;
  before(async () => {
    admin = await startAdminProcess();
  });
  after(() => admin.cleanup());

  test('c.json (3 upstreams, round robin, retries, active + passive health checks) round-trips byte for byte after canonicalisation', async () => {
    const doc = caddyReverseProxy();
    const put = await request(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(doc, null, 2) });
    assert.equal(put.status, 200, put.body);
    const got = await request(admin.url + '/config/');
    assert.equal(got.body, canonicalJSON(doc) + '\n');
    const stored = (await request(admin.url + '/revisions/1')).json();
    assert.deepEqual(stored.config, doc);
  });

  test('the same in `caddy adapt` form (integer nanoseconds, subroute) round-trips too', async () => {
    const doc = caddyAdapted();
    const put = await request(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(doc) });
    assert.equal(put.status, 200, put.body);
    assert.equal((await request(admin.url + '/config/')).body, canonicalJSON(doc) + '\n');
  });
});

describe('strict rejection: nothing is ignored, the message names the path, nothing is stored', () => {
  let admin: AdminProcess;
  let baseline = '';
  before(async () => {
    admin = await startAdminProcess();
    const r = await request(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(caddyReverseProxy()) });
    assert.equal(r.status, 200);
    baseline = (await request(admin.url + '/config/')).body;
  });
  after(() => admin.cleanup());

  const H = LB_PROXY_POINTER;
  const cases: Array<[string, unknown, string, string]> = [
    ['an unknown field on a server', (() => { const d = caddyReverseProxy() as any; d.apps.http.servers.lb.bogus = 1; return d; })(), 'CFG_ERR_UNKNOWN_FIELD', '/apps/http/servers/lb/bogus'],
    ['an unknown field deep in a handler', withHandler((h) => (h.health_checks.passive.max_fail = 3)), 'CFG_ERR_UNKNOWN_FIELD', `${H}/health_checks/passive/max_fail`],
    ['a handler Switchyard does not implement', withHandler((h) => (h.handler = 'file_server')), 'CFG_ERR_UNKNOWN_HANDLER', `${H}/handler`],
    ['an unknown selection policy', withHandler((h) => (h.load_balancing.selection_policy = { policy: 'fastest' })), 'CFG_ERR_UNKNOWN_POLICY', `${H}/load_balancing/selection_policy/policy`],
    ['a duration that does not parse', withHandler((h) => (h.load_balancing.try_duration = '2 seconds')), 'CFG_ERR_BAD_DURATION', `${H}/load_balancing/try_duration`],
    ['a URL as a dial (Caddy loads it and fails every request)', withHandler((h) => (h.upstreams[1].dial = 'http://127.0.0.1:19102')), 'CFG_ERR_BAD_DIAL', `${H}/upstreams/1/dial`],
    ['a port range as a dial', withHandler((h) => (h.upstreams[0].dial = '127.0.0.1:19101-19102')), 'CFG_ERR_BAD_DIAL', `${H}/upstreams/0/dial`],
    ['an @id that is neither string nor number (Caddy 2.6 kept it: bug §10c)', withHandler((h) => (h['@id'] = true)), 'CFG_ERR_BAD_ID', `${H}/@id`],
    ['a duplicate @id', withHandler((h) => (h.upstreams[0]['@id'] = 'lb_proxy')), 'CFG_ERR_DUPLICATE_ID', ''],
  ];
  for (const [what, doc, code, path] of cases) {
    test(`/load refuses ${what}`, async () => {
      const r = await request(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(doc) });
      assert.equal(r.status, 400, r.body);
      const body = r.json();
      assert.equal(body.code, code, r.body);
      if (path) {
        assert.equal(body.path, path);
        assert.ok(body.error.startsWith(`loading config: loading new config: ${path}: `), body.error);
      } else {
        assert.match(body.error, /^loading config: loading new config: \/\S+: /);
      }
      assert.equal((await request(admin.url + '/config/')).body, baseline, 'the stored config is unchanged');
    });
  }

  test('a second server listening on the same address is refused', async () => {
    const r = await request(admin.url + '/config/apps/http/servers/other', {
      method: 'PUT',
      headers: JSON_CT,
      body: JSON.stringify({ listen: ['127.0.0.1:18080'], routes: [] }),
    });
    assert.equal(r.status, 400);
    assert.equal(r.json().code, 'CFG_ERR_DUPLICATE_LISTEN');
    assert.match(r.json().error, /^loading new config: \/apps\/http\/servers\/(lb|other)\/listen\/0: /);
  });

  test('mutations through /config and /id are validated the same way', async () => {
    const field = await request(admin.url + '/id/lb_proxy/transport', { method: 'PUT', headers: JSON_CT, body: JSON.stringify({ protocol: 'http', dial_timeout: '2s', tls: {} }) });
    assert.equal(field.status, 400);
    assert.deepEqual([field.json().code, field.json().path], ['CFG_ERR_UNKNOWN_FIELD', `${H}/transport/tls`]);
    const handler = await request(admin.url + '/config/apps/http/servers/lb/routes/0/handle', { method: 'POST', headers: JSON_CT, body: JSON.stringify({ handler: 'php_fastcgi' }) });
    assert.equal(handler.status, 400);
    assert.deepEqual([handler.json().code, handler.json().path], ['CFG_ERR_UNKNOWN_HANDLER', '/apps/http/servers/lb/routes/0/handle/1/handler']);
  });

  test('after every refusal the history holds only the first revision', async () => {
    const r = (await request(admin.url + '/revisions')).json();
    assert.equal(r.current, 1);
    assert.deepEqual(r.revisions.map((x: { revision: number }) => x.revision), [1]);
  });
});
