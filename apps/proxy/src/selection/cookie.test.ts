import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, makePool, makeRequest } from './fixtures';
import { cookieValue } from './cookie';
import { createPolicy } from './index';

const hmac = (address: string) => cookieValue('s3cret', address);

test('cookie value is hex HMAC-SHA256(secret, dial), matching Caddy 2.6.2 (9d1945...3138)', () => {
  const v = cookieValue('s3cret', '127.0.0.1:19103');
  assert.match(v, /^9d1945[0-9a-f]{54}3138$/);
});

test('cookie: no cookie -> a fallback pick and Set-Cookie naming it', () => {
  const p = createPolicy({ policy: 'cookie', secret: 's3cret' });
  const s = p.select(makePool(3), makeRequest())!;
  assert.equal(s.setCookie, `lb=${hmac(s.candidate.address)}; Path=/`);
});

test('cookie: the same cookie always returns the same address, without Set-Cookie', () => {
  const p = createPolicy({ policy: 'cookie', name: 'lb_sticky', secret: 's3cret' });
  const pool = makePool(4);
  for (const target of pool) {
    const req = makeRequest({ cookies: { lb_sticky: hmac(target.address) } });
    for (let i = 0; i < 20; i++) assert.deepEqual(p.select(pool, req), { candidate: target });
  }
});

test('cookie: a bad or foreign cookie gets a new pick and a Set-Cookie', () => {
  const p = createPolicy({ policy: 'cookie', secret: 's3cret' });
  const pool = makePool(3);
  for (const bad of ['garbage', cookieValue('other', pool[0]!.address), hmac('10.9.9.9:1')]) {
    const s = p.select(pool, makeRequest({ cookies: { lb: bad } }))!;
    assert.ok(pool.includes(s.candidate));
    assert.equal(s.setCookie, `lb=${hmac(s.candidate.address)}; Path=/`);
  }
});

test('cookie: a cookie naming an unavailable upstream is re-pinned to an available one', () => {
  const p = createPolicy({ policy: 'cookie', secret: 's3cret' });
  const pool = [cand('a:1', { available: false }), cand('b:1')];
  const s = p.select(pool, makeRequest({ cookies: { lb: hmac('a:1') } }))!;
  assert.deepEqual(s, { candidate: pool[1], setCookie: `lb=${hmac('b:1')}; Path=/` });
});

test('cookie: a sticky client keeps an available upstream whose weight is 0 (draining)', () => {
  const p = createPolicy({ policy: 'cookie', secret: 's3cret' });
  const pool = [cand('a:1', { weight: 0 }), cand('b:1')];
  assert.deepEqual(p.select(pool, makeRequest({ cookies: { lb: hmac('a:1') } })), { candidate: pool[0] });
  // ... but a new client never lands there.
  for (let i = 0; i < 100; i++) assert.equal(p.select(pool, makeRequest())!.candidate.address, 'b:1');
});

test('cookie: the configured fallback chooses new clients', () => {
  const p = createPolicy({ policy: 'cookie', secret: 'x', fallback: { policy: 'first' } });
  const pool = makePool(3);
  for (let i = 0; i < 50; i++) assert.equal(p.select(pool, makeRequest())!.candidate, pool[0]);
});

test('cookie: an empty name means the default "lb"', () => {
  const p = createPolicy({ policy: 'cookie', name: '' });
  assert.match(p.select(makePool(2), makeRequest())!.setCookie!, /^lb=[0-9a-f]{64}; Path=\/$/);
});

test('cookie: nothing available -> null, no cookie', () => {
  const p = createPolicy({ policy: 'cookie' });
  assert.equal(p.select(makePool(2, { available: false }), makeRequest({ cookies: { lb: 'x' } })), null);
});
