import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { project } from './projection';
import type { Json } from '../config/tree';

const DOC: Json = {
  apps: {
    http: {
      servers: {
        lb: {
          listen: ['127.0.0.1:18080'],
          routes: [
            {
              match: [{ host: ['a.example'] }],
              handle: [
                {
                  '@id': 'api',
                  handler: 'reverse_proxy',
                  upstreams: [{ dial: '10.0.0.1:80' }, { dial: '10.0.0.2:80', max_requests: 5 }, { dial: '10.0.0.3:80', backup: true, state: 'draining' }],
                  load_balancing: { selection_policy: { policy: 'weighted_round_robin', weights: [5, 3, 1] }, retries: 2, try_duration: '2s' },
                },
              ],
              terminal: true,
            },
            {
              handle: [
                {
                  handler: 'subroute',
                  routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: '10.0.1.1:80', weight: 4 }], load_balancing: { try_interval: 100000000 } }] }],
                },
              ],
            },
          ],
        },
      },
    },
  },
};

describe('projection of a document into rows', () => {
  const rows = project(DOC);
  test('one server row with its listen addresses', () => {
    assert.deepEqual(rows.servers, [{ name: 'lb', listen: '["127.0.0.1:18080"]' }]);
  });
  test('every route, nested subroutes included, with its parent', () => {
    assert.deepEqual(
      rows.routes.map((r) => [r.path, r.parent, r.handlers, r.terminal, r.match]),
      [
        ['/apps/http/servers/lb/routes/0', null, '["reverse_proxy"]', 1, '[{"host":["a.example"]}]'],
        ['/apps/http/servers/lb/routes/1', null, '["subroute"]', 0, null],
        ['/apps/http/servers/lb/routes/1/handle/0/routes/0', '/apps/http/servers/lb/routes/1', '["reverse_proxy"]', 0, null],
      ],
    );
  });
  test('a pool per reverse_proxy: @id when present, else its pointer', () => {
    assert.deepEqual(rows.pools.map((p) => p.id), ['api', '/apps/http/servers/lb/routes/1/handle/0/routes/0/handle/0']);
  });
  test('policies with Caddy defaults filled in', () => {
    assert.deepEqual(rows.policies[0], { pool_id: 'api', policy: 'weighted_round_robin', options: '{"weights":[5,3,1]}', retries: 2, try_duration_ms: 2000, try_interval_ms: 250 });
    assert.deepEqual(rows.policies[1], { pool_id: rows.pools[1].id, policy: 'random', options: '{}', retries: 0, try_duration_ms: 0, try_interval_ms: 100 });
  });
  test('upstreams: weights from the policy or the extension field, backup, state, max_requests', () => {
    assert.deepEqual(
      rows.upstreams.map((u) => [u.address, u.weight, u.backup, u.state, u.max_requests]),
      [
        ['10.0.0.1:80', 5, 0, 'active', null],
        ['10.0.0.2:80', 3, 0, 'active', 5],
        ['10.0.0.3:80', 1, 1, 'draining', null],
        ['10.0.1.1:80', 4, 0, 'active', null],
      ],
    );
  });
  test('an empty document projects to nothing', () => {
    assert.deepEqual(project(null), { servers: [], routes: [], pools: [], policies: [], upstreams: [] });
  });
});
