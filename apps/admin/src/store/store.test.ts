import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJSON, configHash } from '@switchyard/shared';
import { ConfigStore, DB_FILE, type CommitInput } from './store';
import type { Json } from '../config/tree';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sy-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function change(config: Json | null, extra: Partial<CommitInput> = {}): CommitInput {
  return { config, text: canonicalJSON(config), hash: configHash(config), patch: [], method: 'POST', path: '/load', ...extra };
}

function pool(dials: string[], id = 'p'): Json {
  return {
    apps: {
      http: {
        servers: {
          lb: { listen: [':8080'], routes: [{ handle: [{ '@id': id, handler: 'reverse_proxy', upstreams: dials.map((dial) => ({ dial })) }] }] },
        },
      },
    },
  };
}

describe('ConfigStore', () => {
  test('opens a new data directory with WAL and synchronous FULL', () => {
    const store = ConfigStore.open({ dataDir: path.join(dir, 'new') });
    assert.equal(store.file, path.join(dir, 'new', DB_FILE));
    assert.equal(store.latest(), undefined, 'nothing stored yet: revision 0');
    store.close();
    const db = new Database(path.join(dir, 'new', DB_FILE));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  test('revisions are numbered from 1 and carry their metadata, document and patch', () => {
    const store = ConfigStore.open({ dataDir: dir });
    const a = store.commit(change(pool(['a:1']), { note: 'first', source: 'caddyfile' }));
    const b = store.commit(change(pool(['a:1', 'b:2']), { method: 'PUT', path: '/config/x', patch: [{ op: 'add', path: '/x', value: 1 }] }));
    assert.deepEqual([a.n, b.n], [1, 2]);
    const r1 = store.get(1)!;
    assert.equal(r1.note, 'first');
    assert.equal(r1.source, 'caddyfile');
    assert.equal(r1.method, 'POST');
    assert.deepEqual(r1.config, pool(['a:1']));
    assert.equal(r1.text, canonicalJSON(pool(['a:1'])));
    const r2 = store.latest()!;
    assert.equal(r2.n, 2);
    assert.equal(r2.note, null);
    assert.deepEqual(r2.patch, [{ op: 'add', path: '/x', value: 1 }]);
    assert.ok(!Number.isNaN(Date.parse(r2.createdAt)));
    assert.equal(store.get(3), undefined);
    store.close();
  });

  test('the projection tables hold only the latest revision\'s rows', () => {
    const store = ConfigStore.open({ dataDir: dir });
    store.commit(change(pool(['a:1', 'b:2'], 'old')));
    store.commit(change(pool(['c:3'], 'new')));
    const rows = store.rows();
    assert.deepEqual(rows.pools.map((p) => p.id), ['new']);
    assert.deepEqual(rows.upstreams.map((u) => u.address), ['c:3']);
    store.commit(change(null));
    assert.deepEqual(store.rows(), { servers: [], routes: [], pools: [], policies: [], upstreams: [] });
    assert.equal(store.latest()!.config, null);
    store.close();
  });

  test('paging lists newest first, strictly below the cursor', () => {
    const store = ConfigStore.open({ dataDir: dir });
    for (let i = 0; i < 5; i++) store.commit(change({ admin: { listen: `:${2000 + i}` } }));
    assert.deepEqual(store.list(2).map((r) => r.n), [5, 4]);
    assert.deepEqual(store.list(2, 4).map((r) => r.n), [3, 2]);
    assert.deepEqual(store.list(10, 2).map((r) => r.n), [1]);
    assert.deepEqual(store.list(10, 1), []);
    store.close();
  });

  test('a restart serves what was committed', () => {
    const s1 = ConfigStore.open({ dataDir: dir });
    s1.commit(change(pool(['a:1'])));
    s1.close();
    const s2 = ConfigStore.open({ dataDir: dir });
    assert.equal(s2.latest()!.n, 1);
    assert.deepEqual(s2.latest()!.config, pool(['a:1']));
    assert.equal(s2.rows().upstreams.length, 1);
    s2.close();
  });

  test('a commit that fails half-way writes nothing: no revision, old rows kept', () => {
    const s = ConfigStore.open({ dataDir: dir });
    s.commit(change(pool(['a:1'])));
    // A real storage failure in the middle of the transaction, after the revision row.
    const db = new Database(s.file);
    db.exec("CREATE TRIGGER boom BEFORE INSERT ON upstreams WHEN NEW.address = 'boom:1' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    db.close();
    assert.throws(() => s.commit(change(pool(['x:1', 'boom:1']))), /disk says no/);
    assert.equal(s.latest()!.n, 1);
    assert.deepEqual(s.rows().upstreams.map((u) => u.address), ['a:1']);
    assert.equal(s.commit(change(pool(['b:2']))).n, 2, 'the next commit takes the next number');
    s.close();
  });
});
