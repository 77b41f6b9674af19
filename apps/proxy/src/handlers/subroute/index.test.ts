import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, request, serveRoutes, type Served } from '../../placeholders/harness';
import type { Handler } from '../types';
import { createRewrite } from '../rewrite';
import { createStaticResponse } from '../static-response';
import { createSubroute } from './index';

let served: Served;
let disposed = 0;
const say = (body: string) => ({ handler: 'static_response', body });

before(async () => {
  served = await serveRoutes([
    {
      match: [{ host: ['nest.test'] }],
      handle: [
        { handler: 'subroute', routes: [
          { match: [{ path: ['/abc*'] }], handle: [say('A')], terminal: true },
          { match: [{ path: ['/api/*'] }], handle: [{ handler: 'rewrite', strip_path_prefix: '/api' }] },
          { handle: [{ handler: 'probe' }] },
        ] },
        { handler: 'echo' },
      ],
      terminal: true,
    },
    {
      match: [{ host: ['errors.test'] }],
      handle: [
        { handler: 'subroute', routes: [{ handle: [{ handler: 'fail', status: 503 }] }], errors: { routes: [{ match: [{ path: ['/handled'] }], handle: [say('sorry')] }] } },
      ],
      terminal: true,
    },
  ], {
    subroute: createSubroute,
    rewrite: createRewrite,
    static_response: createStaticResponse,
    probe: (): Handler => ({ name: 'probe', handle: (ctx, next) => next(ctx), dispose: () => void disposed++ }),
  });
});
after(() => served.close());

const get = (host: string, path: string) => request(served.port, path, { headers: { host } });

describe('subroute', () => {
  test('a terminal nested route answers', async () => {
    assert.equal((await get('nest.test', '/abc')).body.toString(), 'A');
  });
  test('without a terminal route the chain continues after the subroute, with nested changes kept', async () => {
    const r = await get('nest.test', '/api/users');
    assert.equal(json<{ path: string }>(r).path, '/users');
    assert.equal(json<{ path: string }>(await get('nest.test', '/zzz')).path, '/zzz');
  });
  test('errors routes answer when the nested chain throws; otherwise the error status is sent', async () => {
    const handled = await get('errors.test', '/handled');
    assert.equal(handled.status, 200);
    assert.equal(handled.body.toString(), 'sorry');
    assert.equal((await get('errors.test', '/other')).status, 503);
  });
  test('disposing the subroute disposes its nested handlers', async () => {
    const s = await serveRoutes([{ handle: [{ handler: 'subroute', routes: [{ handle: [{ handler: 'probe' }] }] }] }], {
      subroute: createSubroute,
      probe: (): Handler => ({ name: 'probe', handle: (ctx, next) => next(ctx), dispose: () => void disposed++ }),
    });
    const before = disposed;
    await s.close();
    assert.equal(disposed, before + 1);
  });
});
