import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, configHash } from '@switchyard/shared';
import { ConfigService, type ChangeRequest } from './config-service';
import { ConfigStore } from '../store';
import { mutateAt, type Json } from '../config/tree';
import { AdminError } from '../errors';
import type { ConfigChange, ConfigPublisher, PublishOutcome } from '../hub/types';

const BASE: Json = {
  apps: { http: { servers: { lb: { listen: ['127.0.0.1:18080'], routes: [{ handle: [{ '@id': 'p', handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:9001' }] }] }] } } } },
};

/** A publisher that records what it is given and answers as told. */
class RecordingPublisher implements ConfigPublisher {
  readonly changes: ConfigChange[] = [];
  answer: (c: ConfigChange) => Promise<PublishOutcome> = (c) => Promise.resolve({ revision: c.revision, complete: true, acked: ['n1'], lagging: [], failed: [] });
  publish(change: ConfigChange): Promise<PublishOutcome> {
    this.changes.push(change);
    return this.answer(change);
  }
}

function setup() {
  const store = ConfigStore.open({ file: ':memory:' });
  const publisher = new RecordingPublisher();
  return { store, publisher, service: new ConfigService(store, publisher) };
}

function load(doc: Json | null, extra: Partial<ChangeRequest> = {}): ChangeRequest {
  return { method: 'POST', path: '/load', force: false, errorPrefix: 'loading config: loading new config: ', apply: () => doc, ...extra };
}

function rejects(fn: () => unknown, status: number, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof AdminError && e.status === status && e.code === code && (!message || message.test(e.message)));
}

describe('ConfigService write path', () => {
  test('starts at revision 0 with an empty config', () => {
    const { service } = setup();
    const s = service.current();
    assert.deepEqual([s.revision, s.doc, s.text, s.hash], [0, null, 'null', configHash(null)]);
  });

  test('an accepted change is stored, becomes current and is published with its patch', async () => {
    const { service, store, publisher } = setup();
    const r = service.change(load(BASE, { note: 'hello' }));
    assert.equal(r.revision, 1);
    assert.equal(r.changed, true);
    assert.deepEqual((await r.outcome).acked, ['n1']);
    assert.equal(store.latest()!.note, 'hello');
    assert.deepEqual(service.current().doc, BASE);
    assert.equal(service.current().ids.get('p'), '/config/apps/http/servers/lb/routes/0/handle/0');
    const c = publisher.changes[0];
    assert.deepEqual([c.revision, c.prevRevision, c.hash], [1, 0, configHash(BASE)]);
    assert.deepEqual(applyPatch(null, c.patch), BASE);
    assert.ok(Object.isFrozen(c.config) && Object.isFrozen((c.config as any).apps.http.servers.lb.listen), 'published config is deep-frozen');
  });

  test('successive changes publish in revision order, each patch applying to the previous document', () => {
    const { service, publisher } = setup();
    service.change(load(BASE));
    for (let i = 0; i < 5; i++) {
      service.change({
        method: 'POST',
        path: '/config/...',
        force: false,
        errorPrefix: 'loading new config: ',
        apply: (s) => mutateAt(s.doc, 'POST', '/config/apps/http/servers/lb/routes/0/handle/0/upstreams', { dial: `127.0.0.1:${9100 + i}` }),
      });
    }
    assert.deepEqual(publisher.changes.map((c) => [c.prevRevision, c.revision]), [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
    let doc: unknown = null;
    for (const c of publisher.changes) doc = applyPatch(doc, c.patch);
    assert.deepEqual(doc, service.current().doc);
  });

  test('an identical document is a no-op: no revision, nothing published', async () => {
    const { service, store, publisher } = setup();
    service.change(load(BASE));
    const r = service.change(load(structuredClone(BASE)));
    assert.deepEqual([r.revision, r.changed], [1, false]);
    assert.equal((await r.outcome).complete, true);
    assert.equal(store.list(10).length, 1);
    assert.equal(publisher.changes.length, 1);
  });

  test('force (must-revalidate) stores and publishes an identical document with an empty patch', () => {
    const { service, publisher } = setup();
    service.change(load(BASE));
    const r = service.change(load(BASE, { force: true }));
    assert.deepEqual([r.revision, r.changed], [2, true]);
    assert.deepEqual(publisher.changes[1].patch, []);
  });

  test('an invalid document is refused with its path and code, and nothing changes', () => {
    const { service, store, publisher } = setup();
    service.change(load(BASE));
    const bad = mutateAt(BASE, 'PUT', '/config/apps/http/servers/lb/bogus', 1);
    rejects(() => service.change(load(bad)), 400, 'CFG_ERR_UNKNOWN_FIELD', /^loading config: loading new config: \/apps\/http\/servers\/lb\/bogus: /);
    try {
      service.change(load(bad));
    } catch (e) {
      assert.equal((e as AdminError).path, '/apps/http/servers/lb/bogus');
    }
    assert.equal(service.current().revision, 1);
    assert.equal(store.list(10).length, 1);
    assert.equal(publisher.changes.length, 1);
  });

  test('a stale If-Match is 412 and stores nothing; a current one passes', () => {
    const { service, store } = setup();
    service.change(load(BASE));
    rejects(() => service.change(load({ apps: {} }, { ifMatch: '"/config/ 00000000"' })), 412, 'ADM_ERR_IF_MATCH_FAILED');
    assert.equal(store.list(10).length, 1);
  });

  test('a mutation error propagates and stores nothing', () => {
    const { service, store } = setup();
    service.change(load(BASE));
    rejects(() => service.change(load(null, { apply: (s) => mutateAt(s.doc, 'PATCH', '/config/nope', 1) })), 404, 'ADM_ERR_KEY_NOT_FOUND');
    assert.equal(store.list(10).length, 1);
  });

  test('unloading stores a null document without validation', () => {
    const { service, store } = setup();
    service.change(load(BASE));
    const r = service.change(load(null, { method: 'DELETE', path: '/config/' }));
    assert.equal(r.revision, 2);
    assert.equal(store.latest()!.config, null);
    assert.equal(service.current().ids.size, 0);
  });

  test('a publisher that throws or rejects yields an incomplete outcome, the revision stays stored', async () => {
    const { service, store, publisher } = setup();
    publisher.answer = () => {
      throw new Error('hub down');
    };
    const r1 = service.change(load(BASE));
    const o1 = await r1.outcome;
    assert.equal(o1.complete, false);
    assert.match(o1.failed[0].error, /hub down/);
    publisher.answer = () => Promise.reject(new Error('socket closed'));
    const o2 = await service.change(load({ apps: {} })).outcome;
    assert.match(o2.failed[0].error, /socket closed/);
    assert.equal(store.latest()!.n, 2);
  });

  test('a new service on the same store resumes the latest revision', () => {
    const { service, store } = setup();
    service.change(load(BASE));
    const again = new ConfigService(store);
    assert.equal(again.current().revision, 1);
    assert.deepEqual(again.current().doc, BASE);
    assert.equal(again.current().ids.get('p'), '/config/apps/http/servers/lb/routes/0/handle/0');
  });
});
