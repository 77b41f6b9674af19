import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '@switchyard/shared';
import type { Json } from '../config/tree';
import { deepFreeze } from '../service';
import { appendUpstream, editUpstream, isAvailable, listPools, strandedPools } from './pools';

type Obj = { [k: string]: Json };

function doc(handlers: Obj[]): Json {
  return deepFreeze({ apps: { http: { servers: { lb: { listen: [':8080'], routes: handlers.map((h) => ({ handle: [{ handler: 'reverse_proxy', ...h }] })) } } } } }) as Json;
}

const ups = (...dials: string[]) => dials.map((dial) => ({ dial }));

describe('pools of a config document', () => {
  test('a pool is named by its @id, else by the JSON pointer of its handler', () => {
    const pools = listPools(doc([{ '@id': 'app', upstreams: ups('a:1') }, { upstreams: ups('b:1') }]));
    assert.deepEqual(pools.map((p) => p.id), ['app', '/apps/http/servers/lb/routes/1/handle/0']);
    assert.equal(pools[0]!.path, '/apps/http/servers/lb/routes/0/handle/0');
  });

  test('upstream fields resolve as the proxy reads them: weight, else weighted_round_robin weights[i], else 1', () => {
    const [p] = listPools(doc([{ upstreams: [{ dial: 'a:1' }, { dial: 'b:1', weight: 7 }, { dial: 'c:1', state: 'draining', keep_sticky: true, backup: true }], load_balancing: { selection_policy: { policy: 'weighted_round_robin', weights: [3, 4, 5] } } }]));
    assert.deepEqual(p!.upstreams.map((u) => [u.address, u.weight, u.state, u.backup, u.keep_sticky]), [
      ['a:1', 3, 'active', false, false],
      ['b:1', 7, 'active', false, false],
      ['c:1', 5, 'draining', true, true],
    ]);
  });

  test('editing copies only the path: the frozen input is untouched and other pools are shared', () => {
    const d = doc([{ '@id': 'x', upstreams: ups('a:1', 'b:1') }, { '@id': 'y', upstreams: ups('a:1') }]);
    const [x] = listPools(d);
    const next = editUpstream(d, x!, 'a:1', (u) => ({ ...u, state: 'draining' })) as any;
    assert.equal(next.apps.http.servers.lb.routes[0].handle[0].upstreams[0].state, 'draining');
    assert.equal((d as any).apps.http.servers.lb.routes[0].handle[0].upstreams[0].state, undefined);
    assert.equal(next.apps.http.servers.lb.routes[1], (d as any).apps.http.servers.lb.routes[1], 'the other route is the same object');
    assert.equal(next.apps.http.servers.lb.routes[1].handle[0].upstreams[0].state, undefined, 'the same address in another pool is not touched');
  });

  test('removing and adding keep a weighted_round_robin weights array the length of the upstreams', () => {
    const lb = { selection_policy: { policy: 'weighted_round_robin', weights: [3, 4, 5] } };
    const d = doc([{ '@id': 'p', upstreams: ups('a:1', 'b:1', 'c:1'), load_balancing: lb }]);
    const removed = editUpstream(d, listPools(d)[0]!, 'b:1', () => null);
    assert.deepEqual((removed as any).apps.http.servers.lb.routes[0].handle[0].load_balancing.selection_policy.weights, [3, 5]);
    assert.ok(validateConfig(removed).ok);
    const added = appendUpstream(removed, listPools(removed)[0]!, { dial: 'd:1', weight: 9 });
    const h = (added as any).apps.http.servers.lb.routes[0].handle[0];
    assert.deepEqual(h.load_balancing.selection_policy.weights, [3, 5, 9]);
    assert.deepEqual(h.upstreams.map((u: Obj) => u['dial']), ['a:1', 'c:1', 'd:1']);
    assert.ok(validateConfig(added).ok);
  });
});

describe('the last-available guard', () => {
  const none = new Set<string>();
  const pools = (h: Obj) => listPools(doc([{ '@id': 'p', ...h }]));

  test('available means active, weight above 0 and not reported unhealthy', () => {
    const [p] = pools({ upstreams: [{ dial: 'a:1' }, { dial: 'b:1', weight: 0 }, { dial: 'c:1', state: 'disabled' }, { dial: 'd:1' }] });
    assert.deepEqual(p!.upstreams.map((u) => isAvailable(u, new Set(['d:1']))), [true, false, false, false]);
  });

  test('draining the last available upstream strands the pool; a backup still counts as available', () => {
    const before = pools({ upstreams: [{ dial: 'a:1' }, { dial: 'b:1', state: 'drained' }] });
    assert.deepEqual(strandedPools(before, pools({ upstreams: [{ dial: 'a:1', state: 'draining' }, { dial: 'b:1', state: 'drained' }] }), none), ['p']);
    const withBackup = pools({ upstreams: [{ dial: 'a:1' }, { dial: 'z:1', backup: true }] });
    assert.deepEqual(strandedPools(withBackup, pools({ upstreams: [{ dial: 'a:1', state: 'draining' }, { dial: 'z:1', backup: true }] }), none), []);
  });

  test('an upstream reported unhealthy does not save the pool, and a pool that had nothing available is not stranded', () => {
    const before = pools({ upstreams: ups('a:1', 'b:1') });
    const after = pools({ upstreams: [{ dial: 'a:1', state: 'draining' }, { dial: 'b:1' }] });
    assert.deepEqual(strandedPools(before, after, none), []);
    assert.deepEqual(strandedPools(before, after, new Set(['b:1'])), ['p']);
    const dead = pools({ upstreams: [{ dial: 'a:1', weight: 0 }] });
    assert.deepEqual(strandedPools(dead, pools({ upstreams: [] }), none), []);
  });
});
