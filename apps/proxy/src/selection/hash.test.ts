import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, makePool, makeRequest } from './fixtures';
import { fnv1a32, fnv1a32Update, hrwHash, hrwSelect } from './hrw';
import { createPolicy } from './index';
import type { SelectionPolicy, SelectionRequest } from './types';

/** Reference FNV-1a over the bytes Buffer produces. */
function fnvBytes(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

test('fnv1a32 matches the published test vectors', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('fnv1a32 hashes UTF-8 bytes, including astral and lone surrogates', () => {
  for (const s of ['héllo', '日本語', 'emoji 😀 end', 'lone \ud800 x', 'tail \udc00', 'end \ud83d']) {
    assert.equal(fnv1a32(s), fnvBytes(s), JSON.stringify(s));
  }
});

test('fnv1a32Update continues a hash: h(a + b) = update(h(a), b)', () => {
  assert.equal(fnv1a32Update(fnv1a32('alpha'), '127.0.0.1:19101'), fnv1a32('alpha127.0.0.1:19101'));
});

test('raw fnv1a32 HRW reproduces the picks observed on Caddy 2.6.2', () => {
  const dials = ['127.0.0.1:19101', '127.0.0.1:19102', '127.0.0.1:19103'];
  const caddy = (key: string) => {
    const hs = dials.map((d) => fnv1a32(key + d));
    return `u${hs.indexOf(Math.max(...hs)) + 1}`;
  };
  const observed = { alpha: 'u2', beta: 'u2', gamma: 'u3', '/a': 'u1', '/b': 'u1', '/c?x=1': 'u3', '127.0.0.1': 'u3' };
  for (const [key, u] of Object.entries(observed)) assert.equal(caddy(key), u, key);
});

test('hrwSelect with equal weights picks the highest mixed hash', () => {
  const pool = makePool(5);
  for (const key of ['a', 'b', 'session-42', '']) {
    const hs = pool.map((c) => hrwHash(key, c.address));
    assert.equal(hrwSelect(pool, key), pool[hs.indexOf(Math.max(...hs))]);
  }
});

test('hrwSelect spreads similar dial addresses evenly (unlike raw FNV-1a)', () => {
  const pool = makePool(3);
  const counts = [0, 0, 0];
  for (let i = 0; i < 6000; i++) counts[pool.indexOf(hrwSelect(pool, `10.0.${i >> 8}.${i & 255}`)!)]!++;
  for (const n of counts) assert.ok(Math.abs(n - 2000) < 200, JSON.stringify(counts));
});

/** Picks per address for requests built from keys 0..n-1. */
function spread(p: SelectionPolicy, n: number, reqOf: (k: string) => SelectionRequest): Set<string> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(p.select(makePool(4), reqOf(`k${i}`))!.candidate.address);
  return seen;
}

test('ip_hash keys on the socket address, client_ip_hash on the client IP, uri_hash on the URI', () => {
  const pool = makePool(4);
  const ip = createPolicy({ policy: 'ip_hash' });
  const client = createPolicy({ policy: 'client_ip_hash' });
  const uri = createPolicy({ policy: 'uri_hash' });
  assert.equal(spread(ip, 200, (k) => makeRequest({ clientIp: k })).size, 1);
  assert.equal(spread(ip, 200, (k) => makeRequest({ remoteIp: k })).size, 4);
  assert.equal(spread(client, 200, (k) => makeRequest({ remoteIp: k })).size, 1);
  assert.equal(spread(client, 200, (k) => makeRequest({ clientIp: k })).size, 4);
  assert.equal(spread(uri, 200, (k) => makeRequest({ clientIp: k })).size, 1);
  assert.equal(uri.select(pool, makeRequest({ uri: '/x?a=1' }))!.candidate, hrwSelect(pool, '/x?a=1'));
});

test('header: the field is matched case-insensitively and Host works like any header', () => {
  const pool = makePool(4);
  const p = createPolicy({ policy: 'header', field: 'Host' });
  for (const host of ['a.example', 'b.example', 'c.example']) {
    assert.equal(p.select(pool, makeRequest({ headers: { Host: host } }))!.candidate, hrwSelect(pool, host));
  }
});

test('header: an absent or empty header goes to the fallback (default random)', () => {
  const pool = makePool(4);
  const first = createPolicy({ policy: 'header', field: 'X-User', fallback: { policy: 'first' } });
  for (const headers of [{}, { 'x-user': '' }] as Record<string, string>[]) {
    for (let i = 0; i < 50; i++) assert.equal(first.select(pool, makeRequest({ headers }))!.candidate, pool[0]);
  }
  const random = createPolicy({ policy: 'header', field: 'X-User' });
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(random.select(pool, makeRequest())!.candidate.address);
  assert.equal(seen.size, 4);
});

test('query: hashes the parameter value, falls back when it is absent', () => {
  const pool = makePool(4);
  const p = createPolicy({ policy: 'query', key: 'user', fallback: { policy: 'round_robin' } });
  assert.equal(p.select(pool, makeRequest({ query: { user: 'alice' } }))!.candidate, hrwSelect(pool, 'alice'));
  assert.equal(p.select(pool, makeRequest({ query: { other: 'alice' } }))!.candidate, pool[1]);
  assert.equal(p.select(pool, makeRequest({ query: { user: '' } }))!.candidate, pool[2]);
});

test('fallbacks nest: header -> query -> first', () => {
  const pool = makePool(3);
  const p = createPolicy({
    policy: 'header', field: 'X-A',
    fallback: { policy: 'query', key: 'b', fallback: { policy: 'first' } },
  });
  assert.equal(p.select(pool, makeRequest({ query: { b: 'zz' } }))!.candidate, hrwSelect(pool, 'zz'));
  assert.equal(p.select(pool, makeRequest())!.candidate, pool[0]);
});

test('a hash policy skips an unavailable winner for the next-highest score', () => {
  const pool = makePool(4);
  const key = 'some-key';
  const winner = hrwSelect(pool, key)!;
  const rest = pool.filter((c) => c !== winner);
  const down = pool.map((c) => (c === winner ? cand(c.address, { available: false }) : c));
  assert.equal(hrwSelect(down, key), hrwSelect(rest, key));
});
