/**
 * The shared case suite: every policy, built through `createPolicy`, must pass every
 * property here that applies to its kind. A new policy is added to CASES, nothing else.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cand, countPicks, makePool, makeRequest, weighted } from './fixtures';
import { createPolicy, POLICY_NAMES, type PolicyConfig } from './index';
import type { Candidate, SelectionRequest } from './types';

type Kind = 'spread' | 'hash' | 'first';

interface Case {
  config: PolicyConfig;
  kind: Kind;
  /** Shares follow weights (checked within 5 percentage points). */
  weighted: boolean;
  /** A request whose hash key (for hash policies) is `key`; others ignore it. */
  req(key: string): SelectionRequest;
}

const plain = () => makeRequest();
const CASES: Case[] = [
  { config: { policy: 'random' }, kind: 'spread', weighted: true, req: plain },
  { config: { policy: 'random_choose' }, kind: 'spread', weighted: true, req: plain },
  { config: { policy: 'random_choose', choose: 3 }, kind: 'spread', weighted: true, req: plain },
  { config: { policy: 'least_conn' }, kind: 'spread', weighted: true, req: plain },
  { config: { policy: 'least_latency' }, kind: 'spread', weighted: false, req: plain },
  { config: { policy: 'round_robin' }, kind: 'spread', weighted: false, req: plain },
  { config: { policy: 'weighted_round_robin' }, kind: 'spread', weighted: true, req: plain },
  { config: { policy: 'first' }, kind: 'first', weighted: false, req: plain },
  { config: { policy: 'cookie', secret: 's3cret' }, kind: 'spread', weighted: true, req: plain },
  { config: { policy: 'ip_hash' }, kind: 'hash', weighted: true, req: (k) => makeRequest({ remoteIp: k }) },
  { config: { policy: 'client_ip_hash' }, kind: 'hash', weighted: true, req: (k) => makeRequest({ clientIp: k }) },
  { config: { policy: 'uri_hash' }, kind: 'hash', weighted: true, req: (k) => makeRequest({ uri: `/${k}` }) },
  { config: { policy: 'header', field: 'X-User' }, kind: 'hash', weighted: true, req: (k) => makeRequest({ headers: { 'x-user': k } }) },
  { config: { policy: 'query', key: 'u' }, kind: 'hash', weighted: true, req: (k) => makeRequest({ query: { u: k } }) },
];

/** Request i: a distinct key per pick, so hash policies see many keys. */
const keyed = (c: Case) => (i: number) => c.req(`key-${i}`);

test('every policy name is covered by the conformance cases', () => {
  const covered = new Set(CASES.map((c) => c.config.policy));
  assert.deepEqual([...POLICY_NAMES].sort(), [...covered].sort());
});

for (const c of CASES) {
  describe(`conformance: ${JSON.stringify(c.config)}`, () => {
    const fresh = () => createPolicy(c.config);

    test('reports its Caddy name', () => {
      assert.equal(fresh().name, c.config.policy);
    });

    test('empty pool gives null', () => {
      assert.equal(fresh().select([], c.req('k')), null);
    });

    test('all unavailable or all weight 0 gives null', () => {
      const p = fresh();
      assert.equal(p.select(makePool(3, { available: false }), c.req('k')), null);
      assert.equal(p.select(makePool(3, { weight: 0 }), c.req('k')), null);
    });

    test('never selects an unavailable or weight-0 candidate', () => {
      const pool = [
        cand('10.0.0.1:80', { available: false }),
        cand('10.0.0.2:80'),
        cand('10.0.0.3:80', { weight: 0 }),
        cand('10.0.0.4:80'),
        cand('10.0.0.5:80', { available: false, weight: 5 }),
      ];
      const counts = countPicks(fresh(), pool, 2000, keyed(c));
      assert.deepEqual([...counts.keys()].sort(), c.kind === 'first' ? ['10.0.0.2:80'] : ['10.0.0.2:80', '10.0.0.4:80']);
    });

    test('a single eligible candidate is always chosen', () => {
      const pool = [cand('a:1', { available: false }), cand('b:1', { weight: 0 }), cand('c:1')];
      assert.deepEqual(countPicks(fresh(), pool, 200, keyed(c)), new Map([['c:1', 200]]));
    });

    if (c.kind === 'first') {
      test('always the first eligible candidate in config order', () => {
        const pool = makePool(4);
        assert.deepEqual(countPicks(fresh(), pool, 100, keyed(c)), new Map([['127.0.0.1:9001', 100]]));
      });
    } else {
      test(c.kind === 'hash' ? 'distinct keys spread over every candidate' : 'repeated picks reach every candidate', () => {
        const pool = makePool(4);
        const counts = countPicks(fresh(), pool, 4000, keyed(c));
        for (const x of pool) {
          const share = (counts.get(x.address) ?? 0) / 4000;
          assert.ok(share > 0.15, `${x.address} got ${share}`);
        }
      });
    }

    if (c.weighted) {
      for (const ws of [[3, 2, 1], [5, 1, 1, 0, 3]]) {
        test(`shares follow weights ${ws.join(',')} within 5 points over 6000 picks`, () => {
          const pool = weighted(ws);
          const total = ws.reduce((a, b) => a + b, 0);
          const counts = countPicks(fresh(), pool, 6000, keyed(c));
          pool.forEach((x, i) => {
            const share = (counts.get(x.address) ?? 0) / 6000;
            assert.ok(Math.abs(share - ws[i]! / total) < 0.05, `${x.address} weight ${ws[i]} got ${share}`);
          });
        });
      }
    }

    if (c.kind === 'hash') {
      const KEYS = 10_000;
      const picks = (pool: readonly Candidate[]) => {
        const p = fresh();
        return Array.from({ length: KEYS }, (_, i) => p.select(pool, c.req(`key-${i}`))!.candidate.address);
      };

      test('the same key always maps to the same candidate, across instances', () => {
        const pool = makePool(5);
        const a = picks(pool).slice(0, 500);
        const b = picks(pool).slice(0, 500);
        assert.deepEqual(a, b);
      });

      test('adding a 4th candidate to 3 moves 15-35% of keys, all to the new one', () => {
        const three = makePool(3);
        const four = makePool(4);
        const before = picks(three);
        const after = picks(four);
        let moved = 0;
        for (let i = 0; i < KEYS; i++) {
          if (before[i] === after[i]) continue;
          moved++;
          assert.equal(after[i], four[3]!.address);
        }
        assert.ok(moved / KEYS > 0.15 && moved / KEYS < 0.35, `moved ${moved / KEYS}`);
      });

      test('removing a candidate, or marking it unavailable, moves only its keys', () => {
        const four = makePool(4);
        const before = picks(four);
        const removed = four[1]!.address;
        for (const changed of [four.filter((x) => x.address !== removed), four.map((x) => (x.address === removed ? cand(removed, { available: false }) : x))]) {
          const after = picks(changed);
          let movedOwn = 0;
          for (let i = 0; i < KEYS; i++) {
            if (before[i] === removed) {
              assert.notEqual(after[i], removed);
              movedOwn++;
            } else {
              assert.equal(after[i], before[i]);
            }
          }
          assert.ok(movedOwn > 0);
        }
      });
    }
  });
}
