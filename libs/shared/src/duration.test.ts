import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration';
import { parseDial } from './dial';

test('durations: Go strings, Caddy days, integer nanoseconds', () => {
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('100ms'), 100);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration(2_000_000_000), 2000);
  assert.throws(() => parseDuration('2'), /invalid duration/);
  assert.throws(() => parseDuration('2 s'), /invalid duration/);
  assert.throws(() => parseDuration(1.5), /integer/);
});

test('dials: host:port and unix sockets; URLs and ranges rejected', () => {
  assert.deepEqual(parseDial('127.0.0.1:9001'), { host: '127.0.0.1', port: 9001 });
  assert.deepEqual(parseDial('[::1]:80'), { host: '::1', port: 80 });
  assert.equal((parseDial('unix//tmp/s.sock') as { socketPath: string }).socketPath, '/tmp/s.sock');
  assert.match(parseDial('http://a:1') as string, /not a URL/);
  assert.match(parseDial('a:1-2') as string, /port range/);
  assert.match(parseDial('a') as string, /missing a port/);
  assert.match(parseDial('a:70000') as string, /out of range/);
});
