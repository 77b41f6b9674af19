import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from './validate';

/** Caddy's §12.4 reference config (three upstreams, active + passive health, retries). */
export function referenceConfig(): any {
  return {
    admin: { listen: 'localhost:2019' },
    apps: { http: { servers: { lb: {
      listen: ['127.0.0.1:18080'],
      automatic_https: { disable: true },
      routes: [{
        match: [{ path: ['/*'] }],
        handle: [{
          '@id': 'lb_proxy',
          handler: 'reverse_proxy',
          upstreams: [{ dial: '127.0.0.1:19101' }, { dial: '127.0.0.1:19102' }, { dial: '127.0.0.1:19103', max_requests: 100 }],
          load_balancing: { selection_policy: { policy: 'round_robin' }, retries: 2, try_duration: '2s', try_interval: '100ms' },
          health_checks: {
            active: { uri: '/health', interval: '2s', timeout: '1s', expect_status: 200 },
            passive: { fail_duration: '30s', max_fails: 3, unhealthy_status: [500, 502, 503], unhealthy_latency: '5s' },
          },
        }],
      }],
    } } } },
  };
}

const at = (doc: any) => {
  const r = validateConfig(doc);
  assert.equal(r.ok, false, 'expected the document to be rejected');
  return (r as { issues: { path: string; code: string; message: string }[] }).issues[0]!;
};
const proxy = (doc: any) => doc.apps.http.servers.lb.routes[0].handle[0];

describe('config schema', () => {
  test('accepts Caddy\'s reference reverse-proxy config unchanged', () => {
    const r = validateConfig(referenceConfig());
    assert.ok(r.ok, JSON.stringify(r));
  });

  test('accepts every selection policy with its fields', () => {
    for (const sp of [
      { policy: 'random' }, { policy: 'random_choose', choose: 3 }, { policy: 'least_conn' }, { policy: 'round_robin' },
      { policy: 'weighted_round_robin', weights: [1, 2, 3] }, { policy: 'first' }, { policy: 'ip_hash' }, { policy: 'client_ip_hash' },
      { policy: 'uri_hash' }, { policy: 'query', key: 'u' }, { policy: 'header', field: 'X-User', fallback: { policy: 'first' } },
      { policy: 'cookie', name: 'lb', secret: 's' }, { policy: 'least_latency' },
    ]) {
      const doc = referenceConfig();
      proxy(doc).load_balancing.selection_policy = sp;
      const r = validateConfig(doc);
      assert.ok(r.ok, `${sp.policy}: ${JSON.stringify(r)}`);
    }
  });

  test('rejects an unknown field with its path', () => {
    const doc = referenceConfig();
    proxy(doc).upstreams[1].bogus = 1;
    const i = at(doc);
    assert.equal(i.code, 'CFG_ERR_UNKNOWN_FIELD');
    assert.equal(i.path, '/apps/http/servers/lb/routes/0/handle/0/upstreams/1/bogus');
  });

  test('rejects an unknown handler with its path', () => {
    const doc = referenceConfig();
    doc.apps.http.servers.lb.routes[0].handle.push({ handler: 'file_server' });
    const i = at(doc);
    assert.equal(i.code, 'CFG_ERR_UNKNOWN_HANDLER');
    assert.equal(i.path, '/apps/http/servers/lb/routes/0/handle/1/handler');
    assert.match(i.message, /file_server/);
  });

  test('rejects an unknown policy, a bad duration and a URL dial', () => {
    let doc = referenceConfig();
    proxy(doc).load_balancing.selection_policy = { policy: 'fastest' };
    let i = at(doc);
    assert.equal(i.code, 'CFG_ERR_UNKNOWN_POLICY');
    assert.equal(i.path, '/apps/http/servers/lb/routes/0/handle/0/load_balancing/selection_policy/policy');

    doc = referenceConfig();
    proxy(doc).load_balancing.try_duration = '2 seconds';
    i = at(doc);
    assert.equal(i.code, 'CFG_ERR_BAD_DURATION');
    assert.equal(i.path, '/apps/http/servers/lb/routes/0/handle/0/load_balancing/try_duration');

    doc = referenceConfig();
    proxy(doc).upstreams[0].dial = 'http://127.0.0.1:19101';
    i = at(doc);
    assert.equal(i.code, 'CFG_ERR_BAD_DIAL');
    assert.equal(i.path, '/apps/http/servers/lb/routes/0/handle/0/upstreams/0/dial');

    doc = referenceConfig();
    proxy(doc).upstreams[0].dial = '127.0.0.1:19101-19102';
    assert.equal(at(doc).code, 'CFG_ERR_BAD_DIAL');
  });

  test('accepts integer-nanosecond durations', () => {
    const doc = referenceConfig();
    proxy(doc).load_balancing.try_duration = 2_000_000_000;
    assert.ok(validateConfig(doc).ok);
  });

  test('semantic checks: duplicate listen, duplicate @id, weights count, bad @id', () => {
    let doc = referenceConfig();
    doc.apps.http.servers.other = { listen: ['127.0.0.1:18080'] };
    assert.equal(at(doc).code, 'CFG_ERR_DUPLICATE_LISTEN');

    doc = referenceConfig();
    doc.apps.http.servers.lb.routes[0]['@id'] = 'lb_proxy';
    assert.equal(at(doc).code, 'CFG_ERR_DUPLICATE_ID');

    doc = referenceConfig();
    proxy(doc).load_balancing.selection_policy = { policy: 'weighted_round_robin', weights: [1, 2] };
    assert.equal(at(doc).code, 'CFG_ERR_WEIGHTS');

    doc = referenceConfig();
    proxy(doc)['@id'] = true;
    const i = at(doc);
    assert.equal(i.code, 'CFG_ERR_BAD_ID');
  });

  test('upstream extensions: weight, backup, state', () => {
    const doc = referenceConfig();
    proxy(doc).upstreams[0] = { dial: '127.0.0.1:19101', weight: 0, backup: true, state: 'draining', keep_sticky: true };
    assert.ok(validateConfig(doc).ok);
    proxy(doc).upstreams[0].state = 'sleeping';
    assert.equal(at(doc).path, '/apps/http/servers/lb/routes/0/handle/0/upstreams/0/state');
  });
});
