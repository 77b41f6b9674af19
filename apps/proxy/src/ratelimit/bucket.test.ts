import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { leaseSize, msUntilToken, newBucket, refill, retryAfterSeconds, takeTokens } from './bucket';

describe('token bucket', () => {
  const spec = { rate: 10, burst: 5 };
  test('starts full and hands out at most burst at once', () => {
    const b = newBucket(spec, 0);
    assert.equal(takeTokens(b, spec, 0, 8), 5);
    assert.equal(takeTokens(b, spec, 0, 1), 0);
  });
  test('refills at rate per second, capped at burst', () => {
    const b = newBucket(spec, 0);
    takeTokens(b, spec, 0, 5);
    assert.equal(takeTokens(b, spec, 250, 10), 2);
    refill(b, spec, 60_000);
    assert.equal(b.tokens, 5);
  });
  test('a smaller burst after a config change caps the stored tokens', () => {
    const b = newBucket(spec, 0);
    refill(b, { rate: 10, burst: 2 }, 0);
    assert.equal(b.tokens, 2);
  });
  test('msUntilToken is the time to the next whole token', () => {
    const b = newBucket(spec, 0);
    takeTokens(b, spec, 0, 5);
    assert.equal(msUntilToken(b, spec), 100);
    refill(b, spec, 40);
    assert.equal(Math.round(msUntilToken(b, spec)), 60);
  });
  test('Retry-After rounds up to whole seconds, at least 1', () => {
    assert.equal(retryAfterSeconds(20), 1);
    assert.equal(retryAfterSeconds(1000), 1);
    assert.equal(retryAfterSeconds(1001), 2);
    assert.equal(retryAfterSeconds(12_000), 12);
  });
  test('leases stay a small share of the burst', () => {
    assert.equal(leaseSize({ rate: 50, burst: 50 }, 2), 3);
    assert.equal(leaseSize({ rate: 1000, burst: 1000 }, 2), 50);
    assert.equal(leaseSize({ rate: 10, burst: 10 }, 4), 1);
    assert.equal(leaseSize({ rate: 5 / 60, burst: 1 }, 2), 1);
  });
});
