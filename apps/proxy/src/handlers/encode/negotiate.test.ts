import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedEncodings, negotiate, varies } from './negotiate';

describe('acceptedEncodings (Caddy\'s q-value and prefer ordering)', () => {
  const cases: [string | undefined, string[], string[]][] = [
    [undefined, [], []],
    ['gzip', [], ['gzip']],
    ['GZIP', [], ['gzip']],
    ['br, gzip;q=0.5', [], ['br', 'gzip']],
    ['gzip;q=0.5, zstd;q=0.9', [], ['zstd', 'gzip']],
    ['gzip, zstd', ['zstd', 'gzip'], ['zstd', 'gzip']],
    ['zstd, gzip', ['gzip'], ['gzip', 'zstd']],
    ['gzip;q=0, identity', [], ['identity']],
    ['gzip;q=abc', [], ['gzip']],
    ['gzip;q=2', [], ['gzip']],
    ['deflate, gzip;q=1.0', [], ['deflate', 'gzip']],
  ];
  for (const [header, prefer, want] of cases) {
    test(`${JSON.stringify(header)} prefer ${JSON.stringify(prefer)}`, () => assert.deepEqual(acceptedEncodings(header, prefer), want));
  }
  test('negotiate picks the first offered coding; * and x-gzip are not gzip (as in Caddy)', () => {
    const offered = new Set(['gzip']);
    assert.equal(negotiate('br, gzip;q=0.5', [], offered), 'gzip');
    assert.equal(negotiate('*', [], offered), undefined);
    assert.equal(negotiate('x-gzip', [], offered), undefined);
    assert.equal(negotiate('gzip;q=0', [], offered), undefined);
  });
  test('varies recognises Accept-Encoding among other Vary tokens', () => {
    assert.equal(varies('Origin, accept-encoding'), true);
    assert.equal(varies(['Origin']), false);
    assert.equal(varies('*'), true);
  });
});
