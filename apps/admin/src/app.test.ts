import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app';
import { ConfigStore } from './store';
import { bodyFormat } from './http/media-type';
import type { IncomingMessage } from 'node:http';
import type { ConfigChange, ConfigPublisher, PublisherContext, PublishOptions, PublishOutcome } from './hub/types';

const DOC = {
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
const JSON_CT = { 'content-type': 'application/json' };

function setup(extra: Partial<BuildAppOptions> = {}): { app: FastifyInstance; store: ConfigStore } {
  const store = ConfigStore.open({ file: ':memory:' });
  const app = buildApp({ store, ...extra });
  after(async () => {
    await app.close();
    store.close();
  });
  return { app, store };
}

async function loaded(extra: Partial<BuildAppOptions> = {}) {
  const s = setup(extra);
  const r = await s.app.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: JSON.stringify(DOC) });
  assert.equal(r.statusCode, 200, r.body);
  return s;
}

describe('Content-Type dispatch of /load and /adapt (reference §6)', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['text/json', 'json'],
    ['text/caddyfile', 'adapter:caddyfile'],
    ['application/x-www-form-urlencoded', 'adapter:x-www-form-urlencoded'],
    ['json', 'malformed Content-Type'],
    ['a b/c', 'invalid Content-Type: mime: expected token after slash'],
  ];
  for (const [ct, want] of cases) {
    test(`${JSON.stringify(ct)} -> ${want}`, () => {
      let got: string;
      try {
        const f = bodyFormat(ct);
        got = f.kind === 'json' ? 'json' : `adapter:${f.name}`;
      } catch (e) {
        got = (e as Error).message;
      }
      assert.equal(got, want);
    });
  }
  test('an unknown adapter is 400 naming it; a curl form post names x-www-form-urlencoded (A.27)', async () => {
    const { app } = setup();
    for (const [ct, name] of [['text/nginx', 'nginx'], ['application/x-www-form-urlencoded', 'x-www-form-urlencoded']]) {
      const r = await app.inject({ method: 'POST', url: '/load', headers: { 'content-type': ct }, payload: '{}' });
      assert.equal(r.statusCode, 400);
      assert.equal(r.body, `{"error":"unrecognized config adapter '${name}'","code":"ADM_ERR_UNKNOWN_ADAPTER"}\n`);
    }
  });
  test('/load without a Content-Type reads JSON', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'POST', url: '/load', payload: Buffer.from(JSON.stringify(DOC)) });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['switchyard-revision'], '1');
  });
  test('/load of broken JSON uses Caddy\'s load wording', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: '{"apps":' });
    assert.equal(r.statusCode, 400);
    assert.equal(JSON.parse(r.body).error, 'loading config: decoding request body: unexpected end of JSON input');
  });
  test('/adapt of JSON returns it unchanged under result, loading nothing', async () => {
    const { app, store } = setup();
    const r = await app.inject({ method: 'POST', url: '/adapt', headers: JSON_CT, payload: '{"apps":{}}' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '{"result":{"apps":{}}}\n');
    assert.equal(store.latest(), undefined);
  });
});

describe('responses and publication', () => {
  test('a change answers 200 with an empty body and the new revision', async () => {
    const { app } = await loaded();
    const r = await app.inject({ method: 'POST', url: '/config/apps/http/servers/lb/listen', headers: JSON_CT, payload: '"127.0.0.1:18081"' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-length'], '0');
    assert.equal(r.headers['content-type'], undefined);
    assert.equal(r.headers['switchyard-revision'], '2');
  });

  test('when nodes lag or fail the change is stored and answered 202 with the outcome', async () => {
    const seen: PublishOptions[] = [];
    const publisher: ConfigPublisher = {
      publish: (c: ConfigChange, o: PublishOptions): Promise<PublishOutcome> => {
        seen.push(o);
        return Promise.resolve({ revision: c.revision, complete: false, acked: ['a'], lagging: ['b'], failed: [{ node: 'c', error: 'bad dial', code: 'PRX_ERR_X', path: '/x' }] });
      },
    };
    const { app, store } = setup({ publisher });
    const r = await app.inject({ method: 'POST', url: '/load?wait=false', headers: JSON_CT, payload: JSON.stringify(DOC) });
    assert.equal(r.statusCode, 202);
    assert.equal(r.headers['switchyard-revision'], '1');
    assert.deepEqual(JSON.parse(r.body), { revision: 1, complete: false, acked: ['a'], lagging: ['b'], failed: [{ node: 'c', error: 'bad dial', code: 'PRX_ERR_X', path: '/x' }] });
    assert.equal(store.latest()!.n, 1);
    assert.deepEqual(seen, [{ wait: false, timeoutMs: 5000 }]);
  });

  test('a body over the limit is 413 and stores nothing', async () => {
    const { app, store } = setup({ bodyLimit: 1024 });
    const r = await app.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: JSON.stringify({ apps: {}, admin: { origins: ['x'.repeat(2000)] } }) });
    assert.equal(r.statusCode, 413);
    assert.equal(JSON.parse(r.body).code, 'ADM_ERR_BODY_TOO_LARGE');
    assert.equal(store.latest(), undefined);
  });

  test('the default limit is 10 MiB', async () => {
    const { app } = setup();
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    assert.equal((await app.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: big })).statusCode, 413);
    const fits = Buffer.concat([Buffer.from('{}'), Buffer.alloc(10 * 1024 * 1024 - 2, 0x20)]);
    assert.equal((await app.inject({ method: 'POST', url: '/load', headers: JSON_CT, payload: fits })).statusCode, 200);
  });

  test('an unknown handler is refused with its path; nothing is stored', async () => {
    const { app, store } = await loaded();
    const r = await app.inject({ method: 'PATCH', url: '/id/lb_proxy/handler', headers: JSON_CT, payload: '"file_server"' });
    assert.equal(r.statusCode, 400);
    const body = JSON.parse(r.body);
    assert.equal(body.code, 'CFG_ERR_UNKNOWN_HANDLER');
    assert.equal(body.path, '/apps/http/servers/lb/routes/0/handle/0/handler');
    assert.match(body.error, /^loading new config: \/apps\/http\/servers\/lb\/routes\/0\/handle\/0\/handler: /);
    assert.equal(store.list(10).length, 1);
  });

  test('a document that is not an object is refused at the root pointer', async () => {
    const { app, store } = setup();
    const r = await app.inject({ method: 'POST', url: '/config/', headers: JSON_CT, payload: '[1]' });
    assert.equal(r.statusCode, 400);
    const body = JSON.parse(r.body);
    assert.deepEqual([body.code, body.path], ['CFG_ERR_SCHEMA', '']);
    assert.match(body.error, /^loading new config: \(document\): /);
    assert.equal(store.latest(), undefined);
  });

  test('a publisher is attached with the current config and the Host/Origin rules for raw upgrades', async () => {
    let ctx: PublisherContext | undefined;
    const publisher: ConfigPublisher = {
      publish: (c) => Promise.resolve({ revision: c.revision, complete: true, acked: [], lagging: [], failed: [] }),
      attach: (c) => void (ctx = c),
    };
    const { app } = setup({ publisher, hosts: () => ['127.0.0.1:2019'], token: 't' });
    await app.inject({ method: 'POST', url: '/load', headers: { ...JSON_CT, host: '127.0.0.1:2019', authorization: 'Bearer t' }, payload: JSON.stringify(DOC) });
    assert.equal(ctx!.current().revision, 1);
    assert.deepEqual(ctx!.current().config, DOC);
    const raw = (headers: Record<string, string>) => ({ method: 'GET', headers }) as unknown as IncomingMessage;
    ctx!.checkAccess(raw({ host: '127.0.0.1:2019' }));
    assert.throws(() => ctx!.checkAccess(raw({ host: 'evil.example:2019' })), /host not allowed/);
    assert.throws(() => ctx!.checkAccess(raw({ host: '127.0.0.1:2019', origin: 'http://evil.example' })), /not allowed to access from origin/);
  });

  test('Switchyard-Note and Switchyard-Source are stored with the revision', async () => {
    const { app, store } = await loaded();
    await app.inject({ method: 'DELETE', url: '/id/lb_proxy/upstreams/1', headers: { 'switchyard-note': 'drain u2', 'switchyard-source': 'runbook' } });
    assert.deepEqual([store.latest()!.note, store.latest()!.source, store.latest()!.path], ['drain u2', 'runbook', '/id/lb_proxy/upstreams/1']);
  });

  test('percent-encoded paths are decoded like Go\'s URL.Path', async () => {
    const { app } = await loaded();
    const r = await app.inject({ url: '/config/apps/http/servers/l%62/listen' });
    assert.equal(r.body, '["127.0.0.1:18080"]\n');
    assert.equal(r.headers.etag, '"/config/apps/http/servers/lb/listen 7907ccdd"');
    assert.equal((await app.inject({ url: '/config/%zz' })).statusCode, 400);
  });
});

describe('routing like Go\'s ServeMux', () => {
  const methods: Array<[string, string, number, string]> = [
    ['HEAD', '/config/', 405, 'method HEAD not allowed'],
    ['OPTIONS', '/id/lb_proxy', 405, 'method OPTIONS not allowed'],
    ['GET', '/stop', 405, 'method not allowed'],
    ['GET', '/load', 405, 'method not allowed'],
    ['GET', '/adapt', 405, 'method not allowed'],
    ['POST', '/reverse_proxy/upstreams', 405, 'method not allowed'],
    ['DELETE', '/revisions/1', 405, 'method not allowed'],
    ['GET', '/revisions/1/rollback', 405, 'method not allowed'],
    ['GET', '/id', 400, 'request path is missing object ID'],
    ['GET', '/id/', 400, 'request path is missing object ID'],
    ['GET', '/id/nope', 404, "unknown object ID 'nope'"],
  ];
  for (const [method, url, status, error] of methods) {
    test(`${method} ${url} -> ${status} ${error}`, async () => {
      const { app } = await loaded();
      const r = await app.inject({ method: method as 'GET', url });
      assert.equal(r.statusCode, status);
      if (method !== 'HEAD') assert.equal(JSON.parse(r.body).error, error);
    });
  }
  test('/config redirects to /config/ keeping the query', async () => {
    const { app } = setup();
    const r = await app.inject({ url: '/config?x=1' });
    assert.equal(r.statusCode, 301);
    assert.equal(r.headers.location, '/config/?x=1');
    assert.equal((await app.inject({ method: 'POST', url: '/config' })).statusCode, 301);
  });
  test('unknown paths are Go\'s text 404', async () => {
    const { app } = setup();
    for (const url of ['/', '/doesnotexist', '/configs']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 404);
      assert.equal(r.body, '404 page not found\n');
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
  });
  test('/reverse_proxy/upstreams lists the configured dials with zero counters when no hub reports', async () => {
    const { app } = await loaded();
    const r = await app.inject({ url: '/reverse_proxy/upstreams' });
    assert.deepEqual(JSON.parse(r.body), [
      { address: '127.0.0.1:19101', num_requests: 0, fails: 0 },
      { address: '127.0.0.1:19102', num_requests: 0, fails: 0 },
    ]);
  });
});

describe('revisions API', () => {
  async function history() {
    const s = await loaded();
    for (const port of [18081, 18082, 18083]) {
      const r = await s.app.inject({ method: 'POST', url: '/config/apps/http/servers/lb/listen', headers: JSON_CT, payload: `"127.0.0.1:${port}"` });
      assert.equal(r.statusCode, 200);
    }
    return s;
  }
  test('pages newest first with a next cursor', async () => {
    const { app } = await history();
    const p1 = JSON.parse((await app.inject({ url: '/revisions?limit=3' })).body);
    assert.equal(p1.current, 4);
    assert.deepEqual(p1.revisions.map((r: { revision: number }) => r.revision), [4, 3, 2]);
    assert.equal(p1.next, 2);
    const p2 = JSON.parse((await app.inject({ url: `/revisions?limit=3&before=${p1.next}` })).body);
    assert.deepEqual(p2.revisions.map((r: { revision: number }) => r.revision), [1]);
    assert.equal(p2.next, null);
    assert.deepEqual(Object.keys(p2.revisions[0]).sort(), ['created_at', 'hash', 'method', 'note', 'path', 'revision', 'source']);
  });
  test('bad paging parameters are 400', async () => {
    const { app } = setup();
    for (const q of ['limit=0', 'limit=x', 'before=-1']) assert.equal((await app.inject({ url: `/revisions?${q}` })).statusCode, 400, q);
  });
  test('one revision carries its document and patch; a missing one is 404', async () => {
    const { app } = await history();
    const r = JSON.parse((await app.inject({ url: '/revisions/2' })).body);
    assert.equal(r.revision, 2);
    assert.deepEqual(r.config.apps.http.servers.lb.listen, ['127.0.0.1:18080', '127.0.0.1:18081']);
    assert.deepEqual(r.patch, [{ op: 'add', path: '/apps/http/servers/lb/listen/1', value: '127.0.0.1:18081' }]);
    assert.equal((await app.inject({ url: '/revisions/99' })).statusCode, 404);
    assert.equal((await app.inject({ url: '/revisions/abc' })).statusCode, 400);
  });
  test('diff defaults to the stored patch and accepts any base, 0 being the empty config', async () => {
    const { app } = await history();
    const d = JSON.parse((await app.inject({ url: '/revisions/4/diff?from=2' })).body);
    assert.deepEqual([d.from, d.to], [2, 4]);
    assert.equal(d.patch.length > 0, true);
    const z = JSON.parse((await app.inject({ url: '/revisions/1/diff?from=0' })).body);
    assert.deepEqual(z.patch, [{ op: 'replace', path: '', value: DOC }]);
  });
  test('rollback stores a new revision equal to n; rolling back to the current document is a no-op', async () => {
    const { app, store } = await history();
    const r = await app.inject({ method: 'POST', url: '/revisions/1/rollback', headers: { 'switchyard-note': 'undo' } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['switchyard-revision'], '5');
    assert.equal(store.latest()!.text, store.get(1)!.text);
    assert.deepEqual([store.latest()!.source, store.latest()!.note], ['rollback:1', 'undo']);
    const again = await app.inject({ method: 'POST', url: '/revisions/1/rollback' });
    assert.equal(again.headers['switchyard-revision'], '5');
    const forced = await app.inject({ method: 'POST', url: '/revisions/1/rollback', headers: { 'cache-control': 'must-revalidate' } });
    assert.equal(forced.headers['switchyard-revision'], '6');
    assert.equal((await app.inject({ method: 'POST', url: '/revisions/42/rollback' })).statusCode, 404);
  });
});

describe('GET /openapi.json', () => {
  test('serves the generated document describing every route', async () => {
    const { app } = setup();
    const doc = JSON.parse((await app.inject({ url: '/openapi.json' })).body);
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/config/{path}', '/id/{path}', '/config', '/load', '/adapt', '/stop', '/reverse_proxy/upstreams', '/revisions', '/revisions/{n}', '/revisions/{n}/diff', '/revisions/{n}/rollback', '/openapi.json']) {
      assert.ok(doc.paths[p], `missing ${p}`);
    }
    assert.deepEqual(doc.paths['/load'].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/SwitchyardConfig' });
    assert.ok(doc.components.schemas.SwitchyardConfig && doc.components.schemas.Handler && doc.components.schemas.AdminError);
  });
});

test('a known path with the wrong method answers 405 with the catalogue code; an unknown path 404 as Go', async () => {
  const { app } = setup();
  for (const [method, url] of [['DELETE', '/pools'], ['PUT', '/reverse_proxy/upstreams'], ['PATCH', '/reverse_proxy/upstreams/127.0.0.1:1/drain'], ['DELETE', '/revisions']] as const) {
    const r = await app.inject({ method, url });
    assert.equal(r.statusCode, 405, `${method} ${url}: ${r.body}`);
    assert.equal(JSON.parse(r.body).code, 'ADM_ERR_METHOD_NOT_ALLOWED');
  }
  const r = await app.inject({ method: 'GET', url: '/nope' });
  assert.equal(r.statusCode, 404);
  assert.equal(r.body, '404 page not found\n');
});
