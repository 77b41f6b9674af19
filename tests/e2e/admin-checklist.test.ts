import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { caddyReverseProxy, request, startAdminProcess, type AdminProcess } from '../helpers';

/**
 * The admin lines of the reference's §16 acceptance checklist, in order, against the real admin
 * process, with Switchyard's status choices: PUT on an existing key 409, PATCH/DELETE of a
 * missing key 404, index and JSON errors 400 (Caddy: 500), weighted_round_robin accepted (≥2.7).
 * Proxy-dependent lines (24-26, 28's in-flight part, 31b) live with the proxy's e2e tests.
 */
describe('§16 checklist against the real admin process', () => {
  let admin: AdminProcess;
  let url: string;
  const LB = '/config/apps/http/servers/lb';
  const JSON_CT = { 'content-type': 'application/json' };
  const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(url + path, { method, headers: { ...JSON_CT, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string> = {}) => request(url + path, { headers });
  const listen = async () => (await get(`${LB}/listen`)).json<string[]>();
  let upstreamsEtag = '';

  before(async () => {
    admin = await startAdminProcess();
    url = admin.url;
  });
  after(() => admin.cleanup());

  test('1. POST /load c.json: 200, empty body', async () => {
    const r = await json('POST', '/load', caddyReverseProxy());
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], '0');
    assert.equal(r.body, '');
    assert.equal(r.headers['switchyard-revision'], '1');
  });

  test('2. GET .../listen: the array, newline-terminated, with Caddy\'s ETag as a header', async () => {
    const r = await get(`${LB}/listen`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.body, '["127.0.0.1:18080"]\n');
    assert.equal(r.headers.etag, '"/config/apps/http/servers/lb/listen 7907ccdd"');
  });

  test('3. GET /config: 301 to /config/', async () => {
    const r = await get('/config');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/config/');
  });

  test('4. a missing key reads as 200 null', async () => {
    const r = await get('/config/apps/http/servers/nope');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'null\n');
    assert.equal(r.headers.etag, '"/config/apps/http/servers/nope 0e7c22ea"');
  });

  test('5. index out of bounds: 400', async () => {
    const r = await get(`${LB}/listen/5`);
    assert.equal(r.status, 400);
    assert.equal(r.json().error, '[/config/apps/http/servers/lb/listen/5] array index out of bounds: 5');
  });

  test('6. walking through a missing key: 400 invalid traversal path', async () => {
    const r = await get('/config/apps/http/servers/nope/deeper');
    assert.equal(r.status, 400);
    assert.equal(r.body, '{"error":"invalid traversal path at: config/apps/http/servers/nope/deeper","code":"ADM_ERR_INVALID_PATH"}\n');
  });

  test('7. POST to an array appends', async () => {
    assert.equal((await json('POST', `${LB}/listen`, '"127.0.0.1:18081"')).status, 200);
    assert.deepEqual(await listen(), ['127.0.0.1:18080', '127.0.0.1:18081']);
  });

  test('8. POST .../... appends each element', async () => {
    assert.equal((await json('POST', `${LB}/listen/...`, ['127.0.0.1:18082', '127.0.0.1:18083'])).status, 200);
    assert.deepEqual(await listen(), ['127.0.0.1:18080', '127.0.0.1:18081', '127.0.0.1:18082', '127.0.0.1:18083']);
  });

  test('9. PUT at an index inserts at the front', async () => {
    assert.equal((await json('PUT', `${LB}/listen/0`, '"127.0.0.1:18084"')).status, 200);
    assert.equal((await listen())[0], '127.0.0.1:18084');
    assert.equal((await listen()).length, 5);
  });

  test('10. PATCH at an index replaces', async () => {
    assert.equal((await json('PATCH', `${LB}/listen/0`, '"127.0.0.1:18086"')).status, 200);
    assert.deepEqual(await listen(), ['127.0.0.1:18086', '127.0.0.1:18080', '127.0.0.1:18081', '127.0.0.1:18082', '127.0.0.1:18083']);
  });

  test('11. DELETE at an index removes', async () => {
    assert.equal((await request(url + `${LB}/listen/0`, { method: 'DELETE' })).status, 200);
    assert.deepEqual(await listen(), ['127.0.0.1:18080', '127.0.0.1:18081', '127.0.0.1:18082', '127.0.0.1:18083']);
    assert.equal((await json('PATCH', `${LB}/listen`, ['127.0.0.1:18080'])).status, 200);
  });

  test('12. PUT on an existing key: 409', async () => {
    const r = await json('PUT', `${LB}/listen`, ['127.0.0.1:18080']);
    assert.equal(r.status, 409);
    assert.deepEqual(r.json(), { error: '[/config/apps/http/servers/lb/listen] key already exists: listen', code: 'ADM_ERR_KEY_EXISTS' });
  });

  test('13. PATCH of a missing key: 404', async () => {
    const r = await json('PATCH', `${LB}/read_timeout`, '"10s"');
    assert.equal(r.status, 404);
    assert.equal(r.json().error, '[/config/apps/http/servers/lb/read_timeout] key does not exist: read_timeout');
  });

  test('14. DELETE of a missing key: 404', async () => {
    const r = await request(url + `${LB}/read_timeout`, { method: 'DELETE' });
    assert.equal(r.status, 404);
    assert.equal(r.json().code, 'ADM_ERR_KEY_NOT_FOUND');
  });

  test('15. curl\'s default form Content-Type: 400 unacceptable content-type', async () => {
    const r = await request(url + `${LB}/listen`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '"x"' });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, "unacceptable content-type: application/x-www-form-urlencoded; 'application/json' required");
  });

  test('16. a body that is not JSON: 400 with Go\'s decoder message', async () => {
    const r = await json('POST', `${LB}/listen`, '{bad');
    assert.equal(r.status, 400);
    assert.equal(r.json().error, "decoding request body: invalid character 'b' looking for beginning of object key string");
  });

  test('17. OPTIONS: 405 method OPTIONS not allowed', async () => {
    const r = await request(url + `${LB}/listen`, { method: 'OPTIONS' });
    assert.equal(r.status, 405);
    assert.equal(r.json().error, 'method OPTIONS not allowed');
  });

  test('18. GET /id/lb_proxy/upstreams: the array, ETag on the expanded path', async () => {
    const r = await get('/id/lb_proxy/upstreams');
    assert.equal(r.status, 200);
    assert.equal(r.body, '[{"dial":"127.0.0.1:19101"},{"dial":"127.0.0.1:19102"},{"dial":"127.0.0.1:19103","max_requests":100}]\n');
    assert.equal(r.headers.etag, '"/config/apps/http/servers/lb/routes/0/handle/0/upstreams 69b779db"');
    upstreamsEtag = String(r.headers.etag);
  });

  test('19. GET /id/nope: 404 unknown object ID', async () => {
    const r = await get('/id/nope');
    assert.equal(r.status, 404);
    assert.equal(r.json().error, "unknown object ID 'nope'");
  });

  test('20. If-Match with the ETag from 18: first POST 200, the same again 412', async () => {
    const first = await json('POST', '/id/lb_proxy/upstreams', { dial: '127.0.0.1:19104' }, { 'if-match': upstreamsEtag });
    assert.equal(first.status, 200);
    const second = await json('POST', '/id/lb_proxy/upstreams', { dial: '127.0.0.1:19105' }, { 'if-match': upstreamsEtag });
    assert.equal(second.status, 412);
    assert.equal(second.json().error, 'If-Match header did not match current config hash');
    assert.equal((await get('/id/lb_proxy/upstreams')).json().length, 4);
  });

  test('21. a malformed If-Match: 400', async () => {
    const r = await json('POST', '/id/lb_proxy/upstreams', { dial: '127.0.0.1:19105' }, { 'if-match': 'abc' });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'malformed If-Match header; expect quoted string');
  });

  test('22. a foreign Host: 403 host not allowed', async () => {
    const r = await get('/config/', { host: 'evil.example:2019' });
    assert.equal(r.status, 403);
    assert.equal(r.body, '{"error":"host not allowed: evil.example:2019","code":"ADM_ERR_HOST_NOT_ALLOWED"}\n');
  });

  test('23. /reverse_proxy/upstreams: Caddy\'s {address, num_requests, fails} for each configured dial (extra fields allowed)', async () => {
    const r = await get('/reverse_proxy/upstreams');
    assert.equal(r.status, 200);
    const list = r.json<Array<Record<string, unknown>>>();
    assert.deepEqual(list.map((u) => u.address).sort(), ['127.0.0.1:19101', '127.0.0.1:19102', '127.0.0.1:19103', '127.0.0.1:19104']);
    for (const u of list) {
      assert.deepEqual(Object.keys(u).slice(0, 3), ['address', 'num_requests', 'fails'], 'Caddy\'s three fields come first');
      assert.deepEqual([u.num_requests, u.fails], [0, 0], 'no proxy node, nothing in flight');
    }
  });

  test('27. the same config again is a no-op; with Cache-Control: must-revalidate it is a new revision', async () => {
    const current = (await get('/config/')).body;
    const before = (await get('/revisions?limit=1')).json().current as number;
    const same = await request(url + '/load', { method: 'POST', headers: JSON_CT, body: current });
    assert.equal(same.status, 200);
    assert.equal(same.headers['switchyard-revision'], String(before));
    const forced = await request(url + '/load', { method: 'POST', headers: { ...JSON_CT, 'cache-control': 'must-revalidate' }, body: current });
    assert.equal(forced.status, 200);
    assert.equal(forced.headers['switchyard-revision'], String(before + 1));
    const notExact = await request(url + '/load', { method: 'POST', headers: { ...JSON_CT, 'cache-control': 'no-cache, must-revalidate' }, body: current });
    assert.equal(notExact.headers['switchyard-revision'], String(before + 1), 'the match is exact, as Caddy');
  });

  test('28. DELETE /id/lb_proxy/upstreams/1 answers at once and the address leaves the upstream list', async () => {
    const t0 = Date.now();
    const r = await request(url + '/id/lb_proxy/upstreams/1', { method: 'DELETE' });
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 < 1000);
    const addrs = (await get('/reverse_proxy/upstreams')).json<Array<{ address: string }>>().map((u) => u.address);
    assert.equal(addrs.includes('127.0.0.1:19102'), false);
  });

  test('29. weighted_round_robin is accepted (Caddy ≥2.7); weights that do not match the upstreams are refused, old config kept', async () => {
    const bad = await json('PATCH', '/id/lb_proxy/load_balancing/selection_policy', { policy: 'weighted_round_robin', weights: [1, 2] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().code, 'CFG_ERR_WEIGHTS');
    assert.deepEqual((await get('/id/lb_proxy/load_balancing/selection_policy')).json(), { policy: 'round_robin' });
    const ok = await json('PATCH', '/id/lb_proxy/load_balancing/selection_policy', { policy: 'weighted_round_robin', weights: [1, 2, 3] });
    assert.equal(ok.status, 200);
    assert.deepEqual((await get('/id/lb_proxy/load_balancing/selection_policy')).json(), { policy: 'weighted_round_robin', weights: [1, 2, 3] });
  });

  test('30. POST /load text/caddyfile, unformatted: 200 with the adapter warnings as the body', async () => {
    const caddyfile = 'http://127.0.0.1:18090 {\nreverse_proxy 127.0.0.1:19101\n}\n';
    const r = await request(url + '/load', { method: 'POST', headers: { 'content-type': 'text/caddyfile' }, body: caddyfile });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ file: 'Caddyfile', line: 2, message: "Caddyfile input is not formatted; run the 'caddy fmt' command to fix inconsistencies" }]);
    const cfg = (await get('/config/')).json();
    assert.deepEqual(cfg.apps.http.servers.srv0.routes[0].handle[0].routes[0].handle[0].upstreams, [{ dial: '127.0.0.1:19101' }]);
    const rev = (await get('/revisions?limit=1')).json().revisions[0];
    assert.equal(rev.source, 'caddyfile');
  });

  test('30b. a Caddyfile syntax error: 400 with the adapter\'s location, nothing loaded', async () => {
    const before = (await get('/config/')).body;
    const r = await request(url + '/load', { method: 'POST', headers: { 'content-type': 'text/caddyfile' }, body: 'http://127.0.0.1:18090 {\n  reverse_proxy {\n' });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'adapting config using caddyfile adapter: Caddyfile:2 - Error during parsing: Unexpected EOF');
    assert.equal((await get('/config/')).body, before);
  });

  test('31. POST /adapt text/caddyfile: 200 {"result": ...} and loads nothing', async () => {
    const before = (await get('/revisions?limit=1')).json().current;
    const r = await request(url + '/adapt', { method: 'POST', headers: { 'content-type': 'text/caddyfile' }, body: 'http://127.0.0.1:18091 {\n\treverse_proxy 127.0.0.1:19101 127.0.0.1:19102\n}\n' });
    assert.equal(r.status, 200);
    const body = r.json();
    assert.equal(body.warnings, undefined);
    assert.deepEqual(body.result.apps.http.servers.srv0.routes[0].handle[0].routes[0].handle[0].upstreams, [{ dial: '127.0.0.1:19101' }, { dial: '127.0.0.1:19102' }]);
    assert.equal((await get('/revisions?limit=1')).json().current, before);
  });

  test('DELETE /config/ unloads; PUT then creates the intermediate objects (A.28)', async () => {
    assert.equal((await request(url + '/config/', { method: 'DELETE' })).status, 200);
    const empty = await get('/config/');
    assert.equal(empty.body, 'null\n');
    assert.equal(empty.headers.etag, '"/config/ 0e7c22ea"');
    const post = await json('POST', LB, { listen: ['127.0.0.1:18080'] });
    assert.equal(post.status, 400);
    assert.equal(post.json().error, 'invalid traversal path at: config/apps');
    const put = await json('PUT', LB, { listen: ['127.0.0.1:18080'], routes: [{ handle: [{ handler: 'static_response', body: 'hi' }] }] });
    assert.equal(put.status, 200);
    assert.equal((await get('/config/')).body, '{"apps":{"http":{"servers":{"lb":{"listen":["127.0.0.1:18080"],"routes":[{"handle":[{"body":"hi","handler":"static_response"}]}]}}}}}\n');
  });

  test('32. POST /stop: 200, then the process exits 0', async () => {
    const r = await request(url + '/stop', { method: 'POST' });
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
    const exit = await admin.process.exited;
    assert.equal(exit.code, 0);
    assert.ok(admin.process.events.some((e) => e.event === 'stopped'));
  });
});
