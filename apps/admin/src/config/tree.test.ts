import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { atoi, mutateAt, readAt, type Json, type Method } from './tree';
import { AdminError } from '../errors';

const LB = '/config/apps/http/servers/lb';

function doc(): Json {
  return {
    admin: { listen: 'localhost:2019' },
    apps: {
      http: {
        servers: {
          lb: {
            listen: ['127.0.0.1:18080'],
            routes: [{ handle: [{ '@id': 'lb_proxy', handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:19101' }, { dial: '127.0.0.1:19102' }] }] }],
          },
        },
      },
    },
  };
}

function listen(d: Json | null): Json | undefined {
  return readAt(d, `${LB}/listen`);
}

function fails(fn: () => unknown, status: number, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AdminError, `expected AdminError, got ${String(e)}`);
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    return true;
  });
}

describe('GET traversal (reference §3.1, §3.2, A.2)', () => {
  const cases: Array<[string, Json | undefined]> = [
    ['/config/', doc()],
    ['/config', doc()],
    [`${LB}/listen`, ['127.0.0.1:18080']],
    [`${LB}/listen/0`, '127.0.0.1:18080'],
    [`${LB}/listen/+0`, '127.0.0.1:18080'],
    [`${LB}/listen/00`, '127.0.0.1:18080'],
    [`${LB}/routes/0/handle/0/upstreams/1/dial`, '127.0.0.1:19102'],
    ['/config/apps/http/servers/nope', undefined],
    [`${LB}/`, (doc() as any).apps.http.servers.lb],
  ];
  for (const [path, want] of cases) {
    test(`GET ${path}`, () => assert.deepEqual(readAt(doc(), path), want));
  }

  test('an empty config reads as a missing value (null) at the root', () => {
    assert.equal(readAt(null, '/config/'), undefined);
  });

  test('index past the end of the destination array is 400 with the full request path', () => {
    fails(() => readAt(doc(), `${LB}/listen/5`), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/listen/5] array index out of bounds: 5`);
  });
  test('a non-numeric index is 400 with strconv.Atoi wording', () => {
    fails(() => readAt(doc(), `${LB}/listen/abc`), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/listen/abc] invalid array index 'abc': strconv.Atoi: parsing "abc": invalid syntax`);
  });
  test('a negative index is out of bounds', () => {
    fails(() => readAt(doc(), `${LB}/listen/-1`), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/listen/-1] array index out of bounds: -1`);
  });
  test('walking through a missing key names the path without a leading slash', () => {
    fails(() => readAt(doc(), '/config/apps/http/servers/nope/deeper'), 400, 'ADM_ERR_INVALID_PATH', 'invalid traversal path at: config/apps/http/servers/nope/deeper');
  });
  test('walking through a scalar is a traversal error', () => {
    fails(() => readAt(doc(), '/config/admin/listen/x'), 400, 'ADM_ERR_INVALID_PATH', 'invalid traversal path at: config/admin/listen/x');
  });
  test('walking through an empty config is a traversal error at the first key', () => {
    fails(() => readAt(null, '/config/apps/http'), 400, 'ADM_ERR_INVALID_PATH', 'invalid traversal path at: config/apps');
  });
  test('an index error in the middle of the path names the path up to the bad segment', () => {
    fails(() => readAt(doc(), `${LB}/routes/x/handle`), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/routes/x] invalid array index 'x': strconv.Atoi: parsing "x": invalid syntax`);
    fails(() => readAt(doc(), `${LB}/routes/3/handle`), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/routes/3] invalid array index: 3`);
  });
  test('a path that is only slashes has nothing to traverse', () => {
    fails(() => readAt(doc(), '/'), 400, 'ADM_ERR_INVALID_PATH', 'no traversable path');
    fails(() => readAt(doc(), '/...'), 400, 'ADM_ERR_INVALID_PATH', 'no traversable path');
  });
});

describe('mutations (reference §3.3, A.3)', () => {
  test('POST on an array appends one element', () => {
    const d = mutateAt(doc(), 'POST', `${LB}/listen`, '127.0.0.1:18081');
    assert.deepEqual(listen(d), ['127.0.0.1:18080', '127.0.0.1:18081']);
  });
  test('POST on .../... appends each element of an array body', () => {
    const d = mutateAt(doc(), 'POST', `${LB}/listen/...`, ['127.0.0.1:18082', '127.0.0.1:18083']);
    assert.deepEqual(listen(d), ['127.0.0.1:18080', '127.0.0.1:18082', '127.0.0.1:18083']);
  });
  test('POST on .../... with a non-array body is refused', () => {
    fails(() => mutateAt(doc(), 'POST', `${LB}/listen/...`, 'x'), 400, 'ADM_ERR_NOT_ARRAY', 'final element is not an array');
  });
  test('POST with an index appends to the whole array, ignoring the index (Caddy)', () => {
    const d = mutateAt(doc(), 'POST', `${LB}/listen/0`, 'x');
    assert.deepEqual(listen(d), ['127.0.0.1:18080', 'x']);
  });
  test('POST on an object key sets it, whether or not it exists', () => {
    const d1 = mutateAt(doc(), 'POST', '/config/admin/listen', 'localhost:2020');
    assert.equal(readAt(d1, '/config/admin/listen'), 'localhost:2020');
    const d2 = mutateAt(doc(), 'POST', '/config/admin/origins', ['a']);
    assert.deepEqual(readAt(d2, '/config/admin/origins'), ['a']);
  });
  test('POST on a missing key with .../... sets the array (Caddy only expands into an existing array)', () => {
    const d = mutateAt(doc(), 'POST', '/config/admin/origins/...', ['a', 'b']);
    assert.deepEqual(readAt(d, '/config/admin/origins'), ['a', 'b']);
  });
  test('POST under a missing parent is a traversal error (A.28)', () => {
    fails(() => mutateAt(null, 'POST', `${LB}`, { listen: [':1'] }), 400, 'ADM_ERR_INVALID_PATH', 'invalid traversal path at: config/apps');
  });
  test('POST on /config/ replaces the whole document', () => {
    assert.deepEqual(mutateAt(doc(), 'POST', '/config/', { apps: {} }), { apps: {} });
    assert.deepEqual(mutateAt(null, 'POST', '/config/', { apps: {} }), { apps: {} });
  });

  test('PUT with an index inserts before it', () => {
    const d = mutateAt(doc(), 'PUT', `${LB}/listen/0`, 'x');
    assert.deepEqual(listen(d), ['x', '127.0.0.1:18080']);
  });
  test('PUT at index == length appends (current Caddy)', () => {
    const d = mutateAt(doc(), 'PUT', `${LB}/listen/1`, 'x');
    assert.deepEqual(listen(d), ['127.0.0.1:18080', 'x']);
  });
  test('PUT past length is out of bounds', () => {
    fails(() => mutateAt(doc(), 'PUT', `${LB}/listen/2`, 'x'), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/listen/2] array index out of bounds: 2`);
  });
  test('PUT on an existing key is 409 with Caddy\'s message', () => {
    fails(() => mutateAt(doc(), 'PUT', `${LB}/listen`, ['x']), 409, 'ADM_ERR_KEY_EXISTS', `[${LB}/listen] key already exists: listen`);
  });
  test('PUT creates a new key and every missing intermediate object', () => {
    const d = mutateAt(doc(), 'PUT', `${LB}/logs/logger_names`, { a: 'b' });
    assert.deepEqual(readAt(d, `${LB}/logs`), { logger_names: { a: 'b' } });
    const e = mutateAt(null, 'PUT', '/config/apps/http/servers/lb', { listen: [':1'] });
    assert.deepEqual(e, { apps: { http: { servers: { lb: { listen: [':1'] } } } } });
  });
  test('PUT /config/ creates the document when none is loaded, and conflicts otherwise', () => {
    assert.deepEqual(mutateAt(null, 'PUT', '/config/', { apps: {} }), { apps: {} });
    fails(() => mutateAt(doc(), 'PUT', '/config/', {}), 409, 'ADM_ERR_KEY_EXISTS', '[/config/] key already exists: config');
  });

  test('PATCH with an index replaces the element', () => {
    const d = mutateAt(doc(), 'PATCH', `${LB}/listen/0`, 'y');
    assert.deepEqual(listen(d), ['y']);
  });
  test('PATCH of a whole object replaces it, no merge', () => {
    const d = mutateAt(doc(), 'PATCH', '/config/admin', { enforce_origin: true });
    assert.deepEqual(readAt(d, '/config/admin'), { enforce_origin: true });
  });
  test('PATCH of a whole array replaces it', () => {
    const d = mutateAt(doc(), 'PATCH', `${LB}/listen`, ['a', 'b']);
    assert.deepEqual(listen(d), ['a', 'b']);
  });
  test('PATCH of a missing key is 404 with Caddy\'s message', () => {
    fails(() => mutateAt(doc(), 'PATCH', `${LB}/read_timeout`, '10s'), 404, 'ADM_ERR_KEY_NOT_FOUND', `[${LB}/read_timeout] key does not exist: read_timeout`);
  });
  test('PATCH of an index out of bounds is 400', () => {
    fails(() => mutateAt(doc(), 'PATCH', `${LB}/listen/9`, 'x'), 400, 'ADM_ERR_BAD_INDEX', `[${LB}/listen/9] array index out of bounds: 9`);
  });
  test('PATCH does not create intermediate objects', () => {
    fails(() => mutateAt(doc(), 'PATCH', `${LB}/logs/x`, 'x'), 400, 'ADM_ERR_INVALID_PATH', 'invalid traversal path at: config/apps/http/servers/lb/logs/x');
  });

  test('DELETE of an element shifts the rest', () => {
    const d0 = mutateAt(doc(), 'POST', `${LB}/listen/...`, ['b', 'c']);
    const d = mutateAt(d0, 'DELETE', `${LB}/listen/0`, undefined);
    assert.deepEqual(listen(d), ['b', 'c']);
  });
  test('DELETE of a key removes it', () => {
    const d = mutateAt(doc(), 'DELETE', '/config/admin', undefined);
    assert.equal(Object.hasOwn(d as object, 'admin'), false);
  });
  test('DELETE of a missing key is 404 (current Caddy)', () => {
    fails(() => mutateAt(doc(), 'DELETE', `${LB}/read_timeout`, undefined), 404, 'ADM_ERR_KEY_NOT_FOUND', `[${LB}/read_timeout] key does not exist: read_timeout`);
  });
  test('DELETE /config/ unloads the document, and a second DELETE finds nothing', () => {
    assert.equal(mutateAt(doc(), 'DELETE', '/config/', undefined), null);
    fails(() => mutateAt(null, 'DELETE', '/config/', undefined), 404, 'ADM_ERR_KEY_NOT_FOUND', '[/config/] key does not exist: config');
  });
  test('a body-less mutation stores null', () => {
    const d = mutateAt(doc(), 'POST', '/config/admin', undefined);
    assert.equal(readAt(d, '/config/admin'), null);
  });
  test('an element of a nested array is addressable as the target', () => {
    const d0: Json = { m: [[1, 2], [3]] };
    assert.equal(readAt(d0, '/config/m/0/1'), 2);
    assert.deepEqual(mutateAt(d0, 'PATCH', '/config/m/0/1', 9), { m: [[1, 9], [3]] });
    assert.deepEqual(mutateAt(d0, 'DELETE', '/config/m/0/0', undefined), { m: [[2], [3]] });
  });
});

describe('immutability and structural sharing', () => {
  const methods: Array<[Exclude<Method, 'GET'>, string, Json | undefined]> = [
    ['POST', `${LB}/listen`, 'x'],
    ['PUT', `${LB}/listen/0`, 'x'],
    ['PATCH', `${LB}/routes/0/handle/0/upstreams/0/dial`, '127.0.0.1:1'],
    ['DELETE', `${LB}/routes/0/handle/0/upstreams/1`, undefined],
    ['PUT', `${LB}/a/b/c`, 1],
  ];
  for (const [m, p, v] of methods) {
    test(`${m} ${p} leaves the input untouched and shares untouched subtrees`, () => {
      const before = doc();
      const snapshot = JSON.stringify(before);
      const after = mutateAt(before, m, p, v) as any;
      assert.equal(JSON.stringify(before), snapshot);
      assert.equal(after.admin, (before as any).admin, 'sibling subtree is shared, not copied');
      assert.notEqual(after.apps, (before as any).apps);
    });
  }
  test('"__proto__" keys stay plain data members', () => {
    const d = mutateAt({}, 'PUT', '/config/__proto__', { polluted: true }) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.deepEqual(Object.keys(d), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const e = mutateAt(d as Json, 'DELETE', '/config/__proto__', undefined);
    assert.deepEqual(Object.keys(e as object), []);
  });
});

describe('atoi mirrors strconv.Atoi', () => {
  const cases: Array<[string, number | string]> = [
    ['0', 0],
    ['17', 17],
    ['+3', 3],
    ['-2', -2],
    ['007', 7],
    ['', 'strconv.Atoi: parsing "": invalid syntax'],
    ['1.5', 'strconv.Atoi: parsing "1.5": invalid syntax'],
    [' 1', 'strconv.Atoi: parsing " 1": invalid syntax'],
    ['99999999999999999999', 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
  ];
  for (const [s, want] of cases) test(JSON.stringify(s), () => assert.equal(atoi(s), want));
});
