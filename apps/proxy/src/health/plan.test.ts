import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Host } from '../upstream/host';
import {
  activeHealthEnabled, ActiveHealthConfigError, compileActiveHealth, DEFAULT_INTERVAL_MS, DEFAULT_MAX_SIZE,
  DEFAULT_TIMEOUT_MS, statusHealthy,
} from './plan';
import { recordActiveResult } from './thresholds';

describe('statusHealthy', () => {
  const cases: [status: number, expect: number | undefined, healthy: boolean][] = [
    [200, undefined, true], [204, undefined, true], [302, undefined, true], [399, undefined, true],
    [199, undefined, false], [400, undefined, false], [500, undefined, false],
    [200, 200, true], [204, 200, false], [302, 302, true],
    [200, 2, true], [299, 2, true], [300, 2, false], [199, 2, false],
    [503, 5, true], [499, 5, false],
  ];
  for (const [status, expect, healthy] of cases) {
    test(`status ${status} with expect_status ${expect ?? '(default)'} is ${healthy ? 'healthy' : 'unhealthy'}`, () => {
      assert.equal(statusHealthy(status, expect), healthy);
    });
  }
});

describe('activeHealthEnabled', () => {
  test('uri, path or port enables checks; timings alone do not (Caddy)', () => {
    assert.equal(activeHealthEnabled(undefined), false);
    assert.equal(activeHealthEnabled({ interval: '1s', timeout: '1s' }), false);
    assert.equal(activeHealthEnabled({ uri: '/health' }), true);
    assert.equal(activeHealthEnabled({ path: '/health' }), true);
    assert.equal(activeHealthEnabled({ port: 9000 }), true);
  });
});

describe('compileActiveHealth', () => {
  test('applies every default', () => {
    const p = compileActiveHealth({ uri: '/health' });
    assert.equal(p.method, 'GET');
    assert.equal(p.target, '/health');
    assert.equal(p.intervalMs, DEFAULT_INTERVAL_MS);
    assert.equal(p.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(p.maxSize, DEFAULT_MAX_SIZE);
    assert.equal(p.expectStatus, undefined);
    assert.equal(p.expectBody, undefined);
    assert.equal(p.passes, 1);
    assert.equal(p.fails, 1);
    assert.equal(p.followRedirects, false);
    assert.equal(p.port, undefined);
    assert.ok(Object.isFrozen(p));
  });

  test('parses durations in both Caddy forms and treats zero as the default', () => {
    const p = compileActiveHealth({ uri: '/', interval: '1.5s', timeout: 250_000_000 });
    assert.equal(p.intervalMs, 1500);
    assert.equal(p.timeoutMs, 250);
    const z = compileActiveHealth({ uri: '/', interval: '0s', timeout: 0, max_size: 0 });
    assert.equal(z.intervalMs, DEFAULT_INTERVAL_MS);
    assert.equal(z.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(z.maxSize, DEFAULT_MAX_SIZE);
  });

  test('uri keeps its query, path is the deprecated alias, only path and query of a full URL count', () => {
    assert.equal(compileActiveHealth({ uri: '/h?full=1' }).target, '/h?full=1');
    assert.equal(compileActiveHealth({ path: '/old' }).target, '/old');
    assert.equal(compileActiveHealth({ uri: '/new', path: '/old' }).target, '/new');
    assert.equal(compileActiveHealth({ port: 81 }).target, '/');
    assert.equal(compileActiveHealth({ uri: 'health' }).target, '/health');
    assert.equal(compileActiveHealth({ uri: 'http://example.com:8/a/b?c=d' }).target, '/a/b?c=d');
  });

  test('a Host entry in headers, in any case, becomes the request Host and leaves the others', () => {
    const p = compileActiveHealth({ uri: '/', headers: { host: ['svc.internal'], 'X-A': ['1', '2'], 'X-Empty': [] } });
    assert.equal(p.hostHeader, 'svc.internal');
    assert.deepEqual(p.headers, { 'X-A': ['1', '2'] });
  });

  test('rejects what it cannot run', () => {
    assert.throws(() => compileActiveHealth({ uri: '/', expect_body: '(' }), ActiveHealthConfigError);
    assert.throws(() => compileActiveHealth({ uri: '/', interval: '5 parsecs' }), ActiveHealthConfigError);
    assert.throws(() => compileActiveHealth({ uri: '/', method: 'GET /x' }), ActiveHealthConfigError);
  });
});

describe('recordActiveResult', () => {
  const run = (host: Host, results: string, t = { passes: 1, fails: 1 }): string =>
    [...results].map((r) => (recordActiveResult(host, r === '+', t, () => 7) ? (host.activeHealthy ? 'U' : 'D') : '.')).join('');

  test('fails: 3 flips on the third failure in a row, and a pass restarts the count', () => {
    const h = new Host('a:1', 0);
    assert.equal(run(h, '--+---', { passes: 1, fails: 3 }), '.....D');
    assert.equal(h.activeHealthy, false);
  });

  test('passes: 2 flips back on the second pass in a row and stamps availableSince', () => {
    const h = new Host('a:1', 0);
    assert.equal(run(h, '-+-++', { passes: 2, fails: 1 }), 'D...U');
    assert.equal(h.activeHealthy, true);
    assert.equal(h.availableSince, 7);
  });

  test('a healthy host stays healthy on passes and an unhealthy one on failures, without transitions', () => {
    const h = new Host('a:1', 0);
    assert.equal(run(h, '+++'), '...');
    assert.equal(h.availableSince, 0);
    assert.equal(run(h, '---'), 'D..');
  });
});
