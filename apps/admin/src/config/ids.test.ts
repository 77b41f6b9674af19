import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildIdIndex, expandIdPath, joinClean } from './ids';
import { AdminError } from '../errors';
import type { Json } from './tree';

const DOC: Json = {
  apps: {
    http: {
      servers: {
        lb: {
          '@id': 'srv',
          listen: [':1'],
          routes: [{ handle: [{ '@id': 'lb_proxy', handler: 'reverse_proxy', upstreams: [{ '@id': 7, dial: 'a:1' }] }] }],
        },
      },
    },
  },
};

describe('@id index', () => {
  test('maps every @id (string or number) to its expanded /config path', () => {
    const idx = buildIdIndex(DOC);
    assert.deepEqual(Object.fromEntries(idx), {
      srv: '/config/apps/http/servers/lb',
      lb_proxy: '/config/apps/http/servers/lb/routes/0/handle/0',
      '7': '/config/apps/http/servers/lb/routes/0/handle/0/upstreams/0',
    });
  });
  test('an empty config has no ids', () => assert.equal(buildIdIndex(null).size, 0));
  test('an @id that is neither string nor number is rejected with its path', () => {
    assert.throws(() => buildIdIndex({ a: [{ '@id': true }] }), (e: unknown) => {
      assert.ok(e instanceof AdminError);
      assert.equal(e.code, 'CFG_ERR_BAD_ID');
      assert.equal(e.message, 'indexing config: /config/a/0: @id field must be a string or number');
      assert.equal(e.path, '/a/0/@id');
      return true;
    });
  });
});

describe('/id/ path expansion (reference §4)', () => {
  const idx = buildIdIndex(DOC);
  const cases: Array<[string, string]> = [
    ['/id/lb_proxy', '/config/apps/http/servers/lb/routes/0/handle/0'],
    ['/id/lb_proxy/', '/config/apps/http/servers/lb/routes/0/handle/0'],
    ['/id/lb_proxy/upstreams/0', '/config/apps/http/servers/lb/routes/0/handle/0/upstreams/0'],
    ['/id/lb_proxy/upstreams/...', '/config/apps/http/servers/lb/routes/0/handle/0/upstreams/...'],
    ['/id/7/dial', '/config/apps/http/servers/lb/routes/0/handle/0/upstreams/0/dial'],
    ['/id/lb_proxy/../x', '/config/apps/http/servers/lb/routes/0/handle/x'],
  ];
  for (const [from, to] of cases) test(`${from} -> ${to}`, () => assert.equal(expandIdPath(from, idx), to));

  for (const p of ['/id/', '/id', '/id//x']) {
    test(`${p} is missing its id (400)`, () => {
      assert.throws(() => expandIdPath(p, idx), (e: unknown) => e instanceof AdminError && e.status === 400 && e.message === 'request path is missing object ID');
    });
  }
  test('an unknown id is 404 with Caddy\'s message', () => {
    assert.throws(() => expandIdPath('/id/nope', idx), (e: unknown) => e instanceof AdminError && e.status === 404 && e.code === 'ADM_ERR_UNKNOWN_ID' && e.message === "unknown object ID 'nope'");
  });
});

describe('joinClean is Go path.Join', () => {
  const cases: Array<[string[], string]> = [
    [['/a', 'b'], '/a/b'],
    [['/a/', '', 'b/'], '/a/b'],
    [['/a', '..', '..', 'b'], '/b'],
    [['/a', '.', 'b'], '/a/b'],
    [['a', '..', '..'], '..'],
    [['', ''], ''],
  ];
  for (const [elems, want] of cases) test(JSON.stringify(elems), () => assert.equal(joinClean(elems), want));
});
