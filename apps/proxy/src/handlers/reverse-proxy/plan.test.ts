import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchyardError, type ReverseProxyConfig } from '@switchyard/shared';
import { HostRegistry } from '../../upstream/registry';
import { compilePlan, createReverseProxy } from '.';
import { slowStartWeight, stickyMode } from './member';

const build = (cfg: Omit<ReverseProxyConfig, 'handler'>) => compilePlan({ handler: 'reverse_proxy', ...cfg }, { registry: new HostRegistry() }, '/h/0');

function rejects(cfg: Omit<ReverseProxyConfig, 'handler'>, path: string): void {
  assert.throws(
    () => build(cfg),
    (e: unknown) => e instanceof SwitchyardError && e.code === 'PRX_ERR_CONFIG' && e.status === 400 && e.path === path,
    `expected PRX_ERR_CONFIG at ${path}`,
  );
}

describe('reverse_proxy config checks the schema cannot make', () => {
  const up = [{ dial: '127.0.0.1:1' }, { dial: '127.0.0.1:2' }];
  test('each bad value is reported with its JSON pointer', () => {
    rejects({ upstreams: [{ dial: 'http://x:1' }] }, '/h/0/upstreams/0/dial');
    rejects({ upstreams: up, load_balancing: { try_duration: '5 parsecs' } }, '/h/0/load_balancing/try_duration');
    rejects({ upstreams: up, load_balancing: { slow_start: '-1s' } }, '/h/0/load_balancing/slow_start');
    rejects({ upstreams: up, load_balancing: { selection_policy: { policy: 'weighted_round_robin', weights: [1] } } }, '/h/0/load_balancing/selection_policy/weights');
    rejects({ upstreams: up, load_balancing: { selection_policy: { policy: 'random_choose', choose: 0 } } }, '/h/0/load_balancing/selection_policy/choose');
    rejects({ upstreams: up, health_checks: { passive: { fail_duration: '1s', unhealthy_status: [200, 7] } } }, '/h/0/health_checks/passive/unhealthy_status/1');
    rejects({ upstreams: up, health_checks: { active: { uri: '/h', expect_body: '(' } } }, '/h/0/health_checks/active');
    rejects({ upstreams: up, headers: { response: { replace: { X: [{ search_regexp: '[' }] } } } }, '/h/0/headers/response/replace/X/0/search_regexp');
    rejects({ upstreams: up, trusted_proxies: ['10.0.0.0/8', 'not-a-cidr'] }, '/h/0/trusted_proxies/1');
    rejects({ upstreams: up, transport: { protocol: 'http', read_timeout: 'soon' } }, '/h/0/transport/read_timeout');
  });

  test('defaults: Caddy dial timeout 3s, try_interval 250ms with try_duration, max_fails 1 with passive on', () => {
    const p = build({ upstreams: up, load_balancing: { try_duration: '1s' }, health_checks: { passive: { fail_duration: '10s' } } });
    assert.equal(p.transport.connectTimeout, 3000);
    assert.equal(p.tryIntervalMs, 250);
    assert.equal(p.maxFails, 1);
    assert.equal(build({ upstreams: up }).maxFails, 0, 'passive checks are off without fail_duration');
  });

  test('effective weight is upstream.weight ?? weights[i] ?? 1; backups are kept apart', () => {
    const p = build({
      upstreams: [{ dial: '127.0.0.1:1', weight: 7 }, { dial: '127.0.0.1:2' }, { dial: '127.0.0.1:3', backup: true }],
      load_balancing: { selection_policy: { policy: 'weighted_round_robin', weights: [1, 3, 5] } },
    });
    assert.deepEqual(p.primaries.map((m) => m.weight), [7, 3]);
    assert.deepEqual(p.backups.map((m) => [m.weight, m.backup]), [[5, true]]);
  });

  test('a handler can be built and disposed twice without error; its pools are released', () => {
    const registry = new HostRegistry();
    const h = createReverseProxy({ handler: 'reverse_proxy', upstreams: up }, { registry }, '/x');
    assert.equal(registry.peek('127.0.0.1:1')!.pools.size, 1);
    h.dispose!();
    h.dispose!();
    assert.equal(registry.peek('127.0.0.1:1')!.pools.size, 0);
  });
});

describe('members', () => {
  test('slow start ramps linearly from 10% to 100%', () => {
    assert.equal(slowStartWeight(10, 1000, 0), 1);
    assert.equal(slowStartWeight(10, 1000, 500), 5.5);
    assert.equal(slowStartWeight(10, 1000, 1000), 10);
    assert.equal(slowStartWeight(10, 0, 0), 10);
  });

  test('availability: health, passive fails, caps and state', () => {
    const p = build({
      upstreams: [{ dial: '127.0.0.1:1', max_requests: 2 }, { dial: '127.0.0.1:2', state: 'draining', keep_sticky: true }],
      health_checks: { passive: { fail_duration: '10s', max_fails: 2, unhealthy_request_count: 1 } },
    });
    const [a, drain] = p.primaries as [typeof p.primaries[0], typeof p.primaries[0]];
    assert.equal(a.available, true);
    assert.equal(a.cap, 1, 'the lower of max_requests and unhealthy_request_count');
    a.host.inFlight = 1;
    assert.equal(a.available, false);
    a.host.inFlight = 0;
    a.host.fails = 2;
    assert.equal(a.available, false);
    a.host.fails = 0;
    a.host.activeHealthy = false;
    assert.equal(a.available, false);
    assert.equal(drain.available, false, 'random is not sticky: a draining upstream gets nothing');
  });

  test('draining with keep_sticky stays reachable by cookie pins (weight 0) and hash keys (full weight)', () => {
    const cfg = (policy: string) => ({ upstreams: [{ dial: '127.0.0.1:1' }, { dial: '127.0.0.1:2', state: 'draining' as const, keep_sticky: true }], load_balancing: { selection_policy: { policy } as never } });
    const cookie = build(cfg('cookie')).primaries[1]!;
    assert.deepEqual([cookie.available, cookie.weight], [true, 0]);
    const hash = build(cfg('uri_hash')).primaries[1]!;
    assert.deepEqual([hash.available, hash.weight], [true, 1]);
    assert.equal(stickyMode('round_robin'), 'none');
  });
});
