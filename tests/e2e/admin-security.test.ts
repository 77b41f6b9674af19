import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { caddyReverseProxy, request, spawnNode, startAdminProcess, scratchDir, ADMIN_ENTRY, type AdminProcess } from '../helpers';

const JSON_CT = { 'content-type': 'application/json' };

describe('Host and Origin rules on the real process', () => {
  let admin: AdminProcess;
  let port: string;
  before(async () => {
    admin = await startAdminProcess();
    port = new URL(admin.url).port;
  });
  after(() => admin.cleanup());

  test('localhost, 127.0.0.1 and [::1] on the bound port are allowed Hosts', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      assert.equal((await request(admin.url + '/config/', { headers: { host } })).status, 200, host);
    }
  });

  test('any other Host is 403, a DNS-rebinding attempt included', async () => {
    for (const host of ['evil.example:2019', `evil.example:${port}`, 'localhost', `localhost:${Number(port) + 1}`]) {
      const r = await request(admin.url + '/config/', { headers: { host } });
      assert.equal(r.status, 403, host);
      assert.equal(r.json().error, `host not allowed: ${host}`);
    }
  });

  test('the Origin Caddy\'s CLI sends is accepted; a foreign one is 403', async () => {
    const ok = await request(admin.url + '/config/', { headers: { origin: `http://localhost:${port}` } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], `http://localhost:${port}`);
    const bad = await request(admin.url + '/load', { method: 'POST', headers: { ...JSON_CT, origin: 'http://evil.example' }, body: '{}' });
    assert.equal(bad.status, 403);
    assert.equal(bad.json().error, "client is not allowed to access from origin 'http://evil.example'");
    assert.equal((await request(admin.url + '/revisions')).json().current, 0, 'the cross-site write did not happen');
    const noCors = await request(admin.url + '/config/', { headers: { 'sec-fetch-mode': 'no-cors' } });
    assert.equal(noCors.status, 400);
  });

  test('Node\'s fetch (Sec-Fetch-Mode: cors, no Origin) is served; a foreign Referer is 403', async () => {
    const r = await fetch(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(caddyReverseProxy()) });
    assert.equal(r.status, 200);
    const bad = await request(admin.url + '/config/', { headers: { 'sec-fetch-mode': 'navigate', referer: 'http://evil.example/page' } });
    assert.equal(bad.status, 403);
  });
});

describe('admin token', () => {
  test('a non-loopback listen address without a token refuses to start', async () => {
    const tmp = scratchDir();
    try {
      const p = spawnNode(ADMIN_ENTRY, ['--listen', '0.0.0.0:0', '--data', tmp.dir], { SWITCHYARD_ADMIN_TOKEN: '' });
      const exit = await p.exited;
      assert.equal(exit.code, 1);
      const err = JSON.parse(p.stderr().trim().split('\n').pop()!);
      assert.equal(err.event, 'error');
      assert.equal(err.code, 'ADM_ERR_TOKEN_REQUIRED');
      assert.match(err.error, /refusing to serve the admin API on 0\.0\.0\.0:0 without a token/);
    } finally {
      tmp.remove();
    }
  });

  test('with SWITCHYARD_ADMIN_TOKEN it serves on every interface and every request needs the bearer token', async () => {
    const admin = await startAdminProcess({ listen: '0.0.0.0:0', env: { SWITCHYARD_ADMIN_TOKEN: 'tok-123' } });
    try {
      const none = await request(admin.url + '/config/');
      assert.equal(none.status, 401);
      assert.equal(none.json().code, 'ADM_ERR_UNAUTHORIZED');
      assert.match(String(none.headers['www-authenticate']), /^Bearer/);
      assert.equal((await request(admin.url + '/config/', { headers: { authorization: 'Bearer tok-12' } })).status, 401);
      assert.equal((await request(admin.url + '/config/', { headers: { authorization: 'Basic tok-123' } })).status, 401);
      const write = await request(admin.url + '/load', { method: 'POST', headers: { ...JSON_CT, authorization: 'Bearer nope' }, body: JSON.stringify(caddyReverseProxy()) });
      assert.equal(write.status, 401);
      const ok = await request(admin.url + '/load', { method: 'POST', headers: { ...JSON_CT, authorization: 'Bearer tok-123' }, body: JSON.stringify(caddyReverseProxy()) });
      assert.equal(ok.status, 200);
      // A wildcard address has no Host allow-list (as Caddy); the token is the protection.
      const anyHost = await request(admin.url + '/revisions', { headers: { authorization: 'Bearer tok-123', host: 'admin.internal:2019' } });
      assert.equal(anyHost.status, 200);
      assert.equal(anyHost.json().current, 1);
    } finally {
      await admin.cleanup();
    }
  });

  test('a token on a loopback address is enforced too', async () => {
    const admin = await startAdminProcess({ token: 'loop' });
    try {
      assert.equal((await request(admin.url + '/config/')).status, 401);
      assert.equal((await request(admin.url + '/config/', { headers: { authorization: 'Bearer loop' } })).status, 200);
    } finally {
      await admin.cleanup();
    }
  });
});

describe('start-up refusals print one error event and exit 1', () => {
  async function refused(args: string[], code: string, message: RegExp): Promise<void> {
    const tmp = scratchDir();
    try {
      const p = spawnNode(ADMIN_ENTRY, [...args, '--data', tmp.dir]);
      assert.equal((await p.exited).code, 1);
      const err = JSON.parse(p.stderr().trim().split('\n').pop()!);
      assert.deepEqual([err.event, err.code], ['error', code]);
      assert.match(err.error, message);
      assert.equal(p.events.length, 0, 'never announced listening');
    } finally {
      tmp.remove();
    }
  }
  test('a port already in use', async () => {
    const first = await startAdminProcess();
    try {
      await refused(['--listen', first.host], 'ADM_ERR_BAD_LISTEN', /^cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await first.cleanup();
    }
  });
  test('an address that is not host:port', () => refused(['--listen', 'http://127.0.0.1:2019'], 'ADM_ERR_BAD_LISTEN', /must be host:port/));
  test('a body limit that is not a number', () => refused(['--listen', '127.0.0.1:0', '--body-limit', 'lots'], 'ADM_ERR_BAD_OPTION', /--body-limit/));
});

describe('ETag and If-Match (reference §5, A.7) on the real process', () => {
  let admin: AdminProcess;
  const UPS = '/config/apps/http/servers/lb/routes/0/handle/0/upstreams';
  before(async () => {
    admin = await startAdminProcess();
    await request(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(caddyReverseProxy()) });
  });
  after(() => admin.cleanup());

  const del = (path: string, ifMatch?: string) => request(admin.url + path, { method: 'DELETE', headers: ifMatch ? { 'if-match': ifMatch } : {} });

  test('every GET of /config and /id carries the ETag of its expanded path', async () => {
    const byPath = await request(admin.url + UPS);
    const byId = await request(admin.url + '/id/lb_proxy/upstreams');
    assert.equal(byPath.headers.etag, `"${UPS} 69b779db"`);
    assert.equal(byId.headers.etag, byPath.headers.etag);
    assert.match(String((await request(admin.url + '/config/')).headers.etag), /^"\/config\/ [0-9a-f]{8}"$/);
  });

  test('an If-Match naming a broader scope than the request works while current, then is stale', async () => {
    const root = String((await request(admin.url + '/config/')).headers.etag);
    assert.equal((await del(`${UPS}/2`, root)).status, 200);
    const stale = await del(`${UPS}/1`, root);
    assert.equal(stale.status, 412);
    assert.equal((await request(admin.url + '/id/lb_proxy/upstreams')).json().length, 2);
  });

  test('If-Match works on /id requests with the expanded path', async () => {
    const etag = String((await request(admin.url + '/id/lb_proxy/upstreams')).headers.etag);
    const r = await request(admin.url + '/id/lb_proxy/upstreams', { method: 'POST', headers: { ...JSON_CT, 'if-match': etag }, body: '{"dial":"127.0.0.1:19103"}' });
    assert.equal(r.status, 200);
  });

  test('malformed If-Match headers are 400 with Caddy\'s messages, and a missing path hashes as null', async () => {
    const one = await del(`${UPS}/0`, '"abc"');
    assert.equal(one.status, 400);
    assert.equal(one.body, '{"error":"malformed If-Match header; expect format \\"\\u003cpath\\u003e \\u003chash\\u003e\\"","code":"ADM_ERR_IF_MATCH_MALFORMED"}\n');
    assert.equal((await del(`${UPS}/0`, 'abc')).status, 400);
    assert.equal((await del(`${UPS}/0`, '"/config/nope 00000000"')).status, 412);
    const before = (await request(admin.url + '/revisions')).json().current;
    const withNull = await request(admin.url + '/config/apps/http/servers/lb/read_timeout', { method: 'PUT', headers: { ...JSON_CT, 'if-match': '"/config/apps/http/servers/lb/read_timeout 0e7c22ea"' }, body: '"10s"' });
    assert.equal(withNull.status, 200);
    assert.equal(withNull.headers['switchyard-revision'], String(before + 1));
  });
});
