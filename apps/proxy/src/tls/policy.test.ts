import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { ServerConfig, SwitchyardConfig } from '@switchyard/shared';
import { SwitchyardError } from '@switchyard/shared';
import { buildServerTls, loadCertificates, matchName, redirectPlans } from '.';
import { makeTestCerts } from './testkit';

const certs = makeTestCerts();
after(() => fs.rmSync(certs.dir, { recursive: true, force: true }));

function tlsConfig(files = [{ ...certs.a, tags: ['a'] }, { ...certs.b, tags: ['b'] }]): SwitchyardConfig {
  return { apps: { tls: { certificates: { load_files: files } } } };
}

function server(policies: ServerConfig['tls_connection_policies'], extra: Partial<ServerConfig> = {}): ServerConfig {
  return { listen: ['127.0.0.1:8443'], tls_connection_policies: policies, ...extra };
}

describe('server names', () => {
  test('a wildcard stands for exactly one leftmost label, case-insensitively', () => {
    assert.equal(matchName('x.A.test', '*.a.test'), true);
    assert.equal(matchName('a.test', '*.a.test'), false);
    assert.equal(matchName('y.x.a.test', '*.a.test'), false);
    assert.equal(matchName('B.TEST', 'b.test'), true);
    assert.equal(matchName('b.test', 'a.test'), false);
  });
});

describe('certificates from load_files', () => {
  test('SAN DNS names are read from the PEM and identical files give the same certificate object', () => {
    const [a, b] = loadCertificates(tlsConfig());
    assert.deepEqual(a!.certificate.names, ['a.test', '*.a.test']);
    assert.deepEqual(b!.certificate.names, ['b.test', '*.b.test']);
    assert.deepEqual(b!.tags, ['b']);
    const again = loadCertificates(tlsConfig());
    assert.equal(again[0]!.certificate, a!.certificate);
  });

  test('a missing certificate file fails with PRX_ERR_TLS at its JSON pointer', () => {
    const bad = tlsConfig([{ ...certs.a, tags: ['a'] }, { certificate: `${certs.dir}/nope.crt`, key: certs.b.key, tags: [] }]);
    assert.throws(() => loadCertificates(bad), (e: unknown) => {
      assert.ok(e instanceof SwitchyardError);
      assert.equal(e.code, 'PRX_ERR_TLS');
      assert.equal(e.path, '/apps/tls/certificates/load_files/1/certificate');
      assert.match(e.message, /nope\.crt/);
      return true;
    });
  });

  test('a key that does not belong to its certificate is blamed on the key', () => {
    const bad = tlsConfig([{ certificate: certs.a.certificate, key: certs.b.key, tags: [] }]);
    assert.throws(() => loadCertificates(bad), (e: unknown) => e instanceof SwitchyardError && e.code === 'PRX_ERR_TLS' && e.path === '/apps/tls/certificates/load_files/0/key');
  });
});

describe('connection policies', () => {
  const loaded = loadCertificates(tlsConfig());
  const [a, b] = loaded.map((t) => t.certificate);

  test('no policies means plain HTTP', () => {
    assert.equal(buildServerTls({ listen: [':80'] }, loaded, '/s'), undefined);
    assert.equal(buildServerTls(server([]), loaded, '/s'), undefined);
  });

  test('the certificate whose SAN matches the SNI is chosen; unknown names and no SNI get the first', () => {
    const t = buildServerTls(server([{}]), loaded, '/s')!;
    assert.equal(t.select('a.test'), a);
    assert.equal(t.select('www.b.test'), b);
    assert.equal(t.select('other.example'), a);
    assert.equal(t.fallback, a);
  });

  test('match.sni picks the policy and any_tag filters its certificates', () => {
    const t = buildServerTls(server([
      { match: { sni: ['*.b.test'] }, certificate_selection: { any_tag: ['b'] } },
      { certificate_selection: { any_tag: ['a'] } },
    ]), loaded, '/s')!;
    assert.equal(t.select('x.b.test'), b);
    // b.test itself is not matched by *.b.test: the catch-all policy only offers a.
    assert.equal(t.select('b.test'), a);
    assert.equal(t.fallback, a, 'no SNI: the first policy without a matcher');
  });

  test('an SNI no policy matches is refused', () => {
    const t = buildServerTls(server([{ match: { sni: ['a.test'] } }]), loaded, '/s')!;
    assert.equal(t.select('a.test'), a);
    assert.equal(t.select('b.test'), undefined);
  });

  test('a policy with no eligible certificate fails the build at its path', () => {
    assert.throws(() => buildServerTls(server([{}, { certificate_selection: { any_tag: ['zzz'] } }]), loaded, '/apps/http/servers/s'),
      (e: unknown) => e instanceof SwitchyardError && e.code === 'PRX_ERR_TLS' && e.path === '/apps/http/servers/s/tls_connection_policies/1');
  });

  test('h2 is offered unless protocols or every policy alpn leave it out', () => {
    assert.equal(buildServerTls(server([{}]), loaded, '/s')!.h2, true);
    assert.equal(buildServerTls(server([{}], { protocols: ['h1', 'h2'] }), loaded, '/s')!.h2, true);
    assert.equal(buildServerTls(server([{}], { protocols: ['h1'] }), loaded, '/s')!.h2, false);
    assert.equal(buildServerTls(server([{ alpn: ['http/1.1'] }]), loaded, '/s')!.h2, false);
    assert.equal(buildServerTls(server([{ alpn: ['http/1.1'] }, {}]), loaded, '/s')!.h2, true);
  });
});

describe('HTTP to HTTPS redirect plans', () => {
  const withServers = (servers: Record<string, ServerConfig>, http: Record<string, number> = {}): SwitchyardConfig => ({ apps: { http: { ...http, servers } } });

  test('only when http_port is set and a TLS server has redirects enabled', () => {
    assert.deepEqual(redirectPlans(withServers({ s: server([{}]) })), []);
    assert.deepEqual(redirectPlans(withServers({ s: server([{}]) }, { http_port: 8080 })), [{ listen: '127.0.0.1:8080', httpsPort: 8443 }]);
    assert.deepEqual(redirectPlans(withServers({ s: server([{}], { automatic_https: { disable_redirects: true } }) }, { http_port: 8080 })), []);
    assert.deepEqual(redirectPlans(withServers({ s: server([{}], { automatic_https: { disable: true } }) }, { http_port: 8080 })), []);
    assert.deepEqual(redirectPlans(withServers({ s: { listen: [':9000'] } }, { http_port: 8080 })), []);
  });

  test('https_port wins over the TLS port, 443 is left out, and a wildcard host covers the rest', () => {
    const s = { t: server([{}], { listen: ['127.0.0.1:8443', ':443'] }) };
    assert.deepEqual(redirectPlans(withServers(s, { http_port: 80 })), [{ listen: ':80', httpsPort: undefined }]);
    assert.deepEqual(redirectPlans(withServers(s, { http_port: 80, https_port: 9443 })), [{ listen: ':80', httpsPort: 9443 }]);
  });
});
