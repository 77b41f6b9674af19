import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptError } from '../errors';
import { importNginx } from './import';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIR = join(__dirname, '..', '..', 'testdata', 'nginx');

describe('importNginx on the seed configurations (hand-reviewed goldens)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();
  assert.ok(files.length >= 3);
  for (const name of files) {
    test(name, () => {
      const got = importNginx(readFileSync(join(DIR, name), 'utf8'), name);
      const want = JSON.parse(readFileSync(join(DIR, name.replace(/\.conf$/, '.json')), 'utf8'));
      assert.deepEqual(got, want);
    });
  }
});

/** The only reverse_proxy handler of a one-location config. */
function proxyOf(upstreamBody: string, extra = ''): { h: Obj; warnings: string[] } {
  const conf = `upstream pool {\n${upstreamBody}\n}\nserver {\n listen 127.0.0.1:8080;\n location / {\n  proxy_pass http://pool;\n${extra}\n }\n}\n`;
  const { result, warnings } = importNginx(conf);
  const route = (result as Obj).apps.http.servers.srv0.routes[0];
  return { h: route.handle.find((x: Obj) => x.handler === 'reverse_proxy'), warnings: warnings.map((w) => `${w.line}: ${w.message}`) };
}

describe('upstream balancing methods map to selection policies', () => {
  const cases: [string, Obj][] = [
    ['', { policy: 'round_robin' }],
    ['least_conn;', { policy: 'least_conn' }],
    ['ip_hash;', { policy: 'ip_hash' }],
    ['hash $request_uri consistent;', { policy: 'uri_hash' }],
    ['hash $remote_addr;', { policy: 'client_ip_hash' }],
    ['hash $http_x_tenant_id;', { policy: 'header', field: 'X-Tenant-Id' }],
    ['hash $arg_user consistent;', { policy: 'query', key: 'user' }],
    ['hash $cookie_sid;', { policy: 'cookie', name: 'sid' }],
    ['random;', { policy: 'random' }],
    ['random two;', { policy: 'random_choose', choose: 2 }],
  ];
  for (const [directive, policy] of cases) {
    test(directive || '(default)', () => {
      const { h } = proxyOf(`${directive}\nserver 127.0.0.1:9001;\nserver 127.0.0.1:9002;`);
      assert.deepEqual(h.load_balancing, { selection_policy: policy });
      assert.equal(h['@id'], 'pool');
    });
  }
  test('weights other than 1 turn round robin into weighted_round_robin', () => {
    const { h } = proxyOf('server 127.0.0.1:9001 weight=5;\nserver 127.0.0.1:9002;');
    assert.deepEqual(h.load_balancing.selection_policy, { policy: 'weighted_round_robin', weights: [5, 1] });
    assert.deepEqual(h.upstreams, [{ dial: '127.0.0.1:9001', weight: 5 }, { dial: '127.0.0.1:9002' }]);
  });
  test('all weights 1 stay round_robin', () => {
    const { h } = proxyOf('server 127.0.0.1:9001 weight=1;\nserver 127.0.0.1:9002 weight=1;');
    assert.deepEqual(h.load_balancing.selection_policy, { policy: 'round_robin' });
  });
});

describe('server parameters', () => {
  test('backup, down, max_conns, default port, passive health from max_fails/fail_timeout', () => {
    const { h } = proxyOf('server a.internal max_fails=2 fail_timeout=1m30s;\nserver 127.0.0.1:9002 backup max_fails=2 fail_timeout=90;\nserver [::1]:9003 down max_conns=10;');
    assert.deepEqual(h.upstreams, [
      { dial: 'a.internal:80' },
      { dial: '127.0.0.1:9002', backup: true },
      { dial: '[::1]:9003', state: 'disabled', max_requests: 10 },
    ]);
    assert.deepEqual(h.health_checks, { passive: { fail_duration: '1m30s', max_fails: 2 } });
  });
  test('max_fails=0 disables passive checks', () => {
    const { h } = proxyOf('server 127.0.0.1:9001 max_fails=0;');
    assert.equal(h.health_checks, undefined);
  });
  test('keepalive N becomes the transport idle pool size per host', () => {
    const { h } = proxyOf('keepalive 16;\nserver 127.0.0.1:9001;');
    assert.deepEqual(h.transport, { protocol: 'http', keep_alive: { max_idle_conns_per_host: 16 } });
  });
  test('unknown server parameters and upstream directives are warned about, with lines', () => {
    const { warnings } = proxyOf('zone pool 64k;\nserver 127.0.0.1:9001 slow_start=30s;');
    assert.deepEqual(warnings, ['2: upstream pool: directive "zone" not carried over', '3: upstream pool: server parameter "slow_start=30s" not carried over']);
  });
});

describe('locations and headers', () => {
  test('proxy_set_header becomes headers.request.set with placeholders; XFF and upgrade headers are warned about', () => {
    const { h, warnings } = proxyOf('server 127.0.0.1:9001;', 'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Tenant "t-$http_x_org";\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header X-Odd $ssl_client_s_dn;\nproxy_read_timeout 90;');
    assert.deepEqual(h.headers, { request: { set: { Host: ['{http.request.host}'], 'X-Real-IP': ['{http.request.remote.host}'], 'X-Tenant': ['t-{http.request.header.X-Org}'] } } });
    assert.deepEqual(h.transport, { protocol: 'http', read_timeout: '1m30s' });
    assert.equal(warnings.length, 3);
    assert.match(warnings[0], /^11: proxy_set_header X-Forwarded-For not carried over/);
    assert.match(warnings[2], /^13: proxy_set_header X-Odd/);
  });

  test('locations are ordered like nginx picks them: exact, longest prefix, then /', () => {
    const { result } = importNginx(`server {
      listen 8080;
      location / { return 404; }
      location /a/ { proxy_pass http://127.0.0.1:9001; }
      location = /a/exact { return 200 "exact"; }
      location /a/longer/ { proxy_pass http://127.0.0.1:9002/; }
    }`);
    const routes = (result as Obj).apps.http.servers.srv0.routes;
    assert.deepEqual(routes.map((r: Obj) => r.match?.[0].path ?? null), [['/a/exact'], ['/a/longer/*'], ['/a/*'], null]);
    assert.deepEqual(routes[1].handle[0], { handler: 'rewrite', strip_path_prefix: '/a/longer' });
    assert.deepEqual(routes[1].handle[1], { handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:9002' }] });
    assert.deepEqual(routes[0].handle, [{ handler: 'static_response', status_code: 200, body: 'exact' }]);
    assert.ok(routes.every((r: Obj) => r.terminal === true));
  });

  test('server blocks sharing listeners: named ones behind host matchers, the default one last without', () => {
    const { result } = importNginx(`
      server { listen 8080; server_name a.test; location / { return 200 "a"; } }
      server { listen 8080 default_server; server_name b.test; location / { return 200 "b"; } }
      server { listen 8081; location / { return 200 "c"; } }`);
    const servers = (result as Obj).apps.http.servers;
    assert.deepEqual(Object.keys(servers), ['srv0', 'srv1']);
    assert.deepEqual(servers.srv0.listen, [':8080']);
    assert.deepEqual(servers.srv0.automatic_https, { disable: true });
    assert.deepEqual(servers.srv0.routes[0].match, [{ host: ['a.test'] }]);
    assert.deepEqual(servers.srv0.routes[0].handle[0].routes[0].handle[0].body, 'a');
    assert.deepEqual(servers.srv0.routes[1].handle[0].body, 'b');
    assert.deepEqual(servers.srv1.listen, [':8081']);
  });

  test('include, gzip, ssl and regex locations are reported, never dropped silently', () => {
    const { warnings } = importNginx('include conf.d/*.conf;\nhttp {\n gzip on;\n server {\n  listen 443 ssl;\n  ssl_certificate /x.pem;\n  location ~ \\.php$ { proxy_pass http://127.0.0.1:9000; }\n  location / { proxy_pass http://127.0.0.1:9001; }\n }\n}\n', 'site.conf');
    assert.deepEqual(warnings.map((w) => [w.file, w.line]), [['site.conf', 1], ['site.conf', 3], ['site.conf', 5], ['site.conf', 6], ['site.conf', 7]]);
    assert.match(warnings[0].message, /include conf\.d\/\*\.conf not followed/);
    assert.match(warnings[2].message, /listen flag "ssl" not carried over/);
  });
});

describe('nginx syntax', () => {
  test('comments, quotes and ${var} braces are parsed, not mistaken for blocks', () => {
    const { h } = proxyOf('# a comment; with { braces }\nserver "127.0.0.1:9001";', "proxy_set_header 'X-A' \"v;{x}\";\nproxy_set_header X-B ${host}x;");
    assert.deepEqual(h.upstreams, [{ dial: '127.0.0.1:9001' }]);
    assert.deepEqual(h.headers.request.set, { 'X-A': ['v;{x}'], 'X-B': ['{http.request.host}x'] });
  });
  test('syntax errors throw AdaptError with the line', () => {
    assert.throws(() => importNginx('server {\n listen 80;\n', 'x.conf'), (e: unknown) => e instanceof AdaptError && e.line === 1 && /expecting "}"/.test(e.message));
    assert.throws(() => importNginx('server {\n listen 80\n}\n'), (e: unknown) => e instanceof AdaptError && e.line === 3);
    assert.throws(() => importNginx('upstream u {\n least_conn;\n}\n'), (e: unknown) => e instanceof AdaptError && /has no servers/.test(e.message));
  });
});
