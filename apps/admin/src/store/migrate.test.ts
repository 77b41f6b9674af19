import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { defaultMigrationsDir, loadMigrations, migrate } from './migrate';
import { ConfigStore } from './store';
import { AdminError } from '../errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sy-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A migrations folder holding the real 0001 plus the given extra files. */
function folder(name: string, extra: Record<string, string> = {}): string {
  const d = path.join(dir, name);
  mkdirSync(d);
  copyFileSync(path.join(defaultMigrationsDir(), '0001_init.sql'), path.join(d, '0001_init.sql'));
  for (const [f, sql] of Object.entries(extra)) writeFileSync(path.join(d, f), sql);
  return d;
}

function scalar(db: Database.Database, sql: string): unknown {
  return db.prepare(sql).pluck().get();
}

function isAdminError(code: string, re: RegExp) {
  return (e: unknown) => e instanceof AdminError && e.code === code && re.test(e.message);
}

describe('migrations', () => {
  test('the repository migrations load in order starting at 0001', () => {
    const migs = loadMigrations(defaultMigrationsDir());
    assert.ok(migs.length >= 1);
    assert.deepEqual(migs.map((m) => m.version), migs.map((_, i) => i + 1));
    assert.equal(migs[0].name, '0001_init');
  });

  test('a new database gets every migration, recorded with its name and user_version', () => {
    const db = new Database(':memory:');
    const r = migrate(db, loadMigrations(defaultMigrationsDir()));
    assert.equal(r.from, 0);
    assert.deepEqual(r.applied[0], '0001_init');
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
    assert.deepEqual(rows[0], { version: 1, name: '0001_init' });
    assert.equal(db.pragma('user_version', { simple: true }), r.to);
    assert.equal(migrate(db, loadMigrations(defaultMigrationsDir())).applied.length, 0, 'a second run applies nothing');
  });

  test('a newer binary upgrades an older database, keeping its data', () => {
    const file = path.join(dir, 'db.sqlite');
    const v1 = folder('v1');
    const db1 = new Database(file);
    migrate(db1, loadMigrations(v1));
    db1.prepare("INSERT INTO servers (name, listen) VALUES ('lb', '[]')").run();
    db1.close();

    const v2 = folder('v2', { '0002_labels.sql': 'CREATE TABLE labels (k TEXT PRIMARY KEY, v TEXT) STRICT;' });
    const db2 = new Database(file);
    const r = migrate(db2, loadMigrations(v2));
    assert.deepEqual([r.from, r.to, r.applied], [1, 2, ['0002_labels']]);
    assert.deepEqual(db2.prepare('SELECT name FROM servers').all(), [{ name: 'lb' }]);
    db2.prepare("INSERT INTO labels VALUES ('a', 'b')").run();
    db2.close();
  });

  test('an older binary refuses a newer database with a clear message and leaves it untouched', () => {
    const file = path.join(dir, 'db.sqlite');
    const db2 = new Database(file);
    migrate(db2, loadMigrations(folder('v2', { '0002_labels.sql': 'CREATE TABLE labels (k TEXT) STRICT;' })));
    db2.close();

    const db1 = new Database(file);
    assert.throws(
      () => migrate(db1, loadMigrations(folder('v1'))),
      isAdminError('ADM_ERR_SCHEMA_TOO_NEW', /^database schema version 2 \(0002_labels\) is newer than this Switchyard supports \(version 1\)/),
    );
    assert.equal(scalar(db1, 'SELECT MAX(version) FROM schema_migrations'), 2);
    db1.close();
  });

  test('ConfigStore.open refuses a newer database instead of serving it', () => {
    const data = path.join(dir, 'data');
    const store = ConfigStore.open({ dataDir: data, migrationsDir: folder('v2', { '0002_x.sql': 'CREATE TABLE x (a TEXT) STRICT;' }) });
    store.close();
    assert.throws(() => ConfigStore.open({ dataDir: data, migrationsDir: folder('v1') }), isAdminError('ADM_ERR_SCHEMA_TOO_NEW', /newer than this Switchyard/));
  });

  test('a failing migration is rolled back as a whole and not recorded', () => {
    const db = new Database(':memory:');
    const bad = folder('bad', { '0002_broken.sql': 'CREATE TABLE half (a TEXT) STRICT; INSERT INTO nowhere VALUES (1);' });
    assert.throws(() => migrate(db, loadMigrations(bad)), isAdminError('ADM_ERR_MIGRATION', /^migration 0002_broken failed: no such table: nowhere/));
    assert.equal(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'"), 0);
    assert.equal(scalar(db, 'SELECT MAX(version) FROM schema_migrations'), 1);
  });

  test('a recorded migration whose name differs from this binary\'s file is refused', () => {
    const db = new Database(':memory:');
    migrate(db, loadMigrations(folder('a', { '0002_one.sql': 'SELECT 1;' })));
    assert.throws(() => migrate(db, loadMigrations(folder('b', { '0002_other.sql': 'SELECT 1;' }))), isAdminError('ADM_ERR_MIGRATION', /recorded as 0002_one, but this Switchyard's is 0002_other/));
  });

  test('gaps and badly named files are refused', () => {
    assert.throws(() => loadMigrations(folder('gap', { '0003_x.sql': 'SELECT 1;' })), isAdminError('ADM_ERR_MIGRATION', /without gaps/));
    assert.throws(() => loadMigrations(folder('name', { '2_x.sql': 'SELECT 1;' })), isAdminError('ADM_ERR_MIGRATION', /NNNN_name\.sql/));
  });
});
