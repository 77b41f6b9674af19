import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { adminError } from '../errors';

/** One `migrations/NNNN_name.sql` file. Versions are 1, 2, 3, ... with no gaps. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  /** Schema version found in the database before migrating (0 for a new database). */
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The repository's migrations folder: `$SWITCHYARD_MIGRATIONS`, else `migrations/` at the
 * workspace root (four levels above this compiled file: apps/admin/dist/store).
 */
export function defaultMigrationsDir(): string {
  return process.env.SWITCHYARD_MIGRATIONS ?? path.resolve(__dirname, '../../../../migrations');
}

/** Reads and orders the migration files; refuses gaps, duplicates and stray `.sql` names. */
export function loadMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw adminError('ADM_ERR_MIGRATION', `migrations folder not found: ${dir}`);
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE.exec(file);
    if (!m) throw adminError('ADM_ERR_MIGRATION', `migration file name must be NNNN_name.sql: ${file}`);
    out.push({ version: Number(m[1]), name: file.slice(0, -4), sql: readFileSync(path.join(dir, file), 'utf8') });
  }
  out.forEach((mig, i) => {
    if (mig.version !== i + 1) throw adminError('ADM_ERR_MIGRATION', `migrations must be numbered 0001, 0002, ... without gaps; found ${mig.name} at position ${i + 1}`);
  });
  return out;
}

/**
 * Brings `db` to the newest of `migrations`, each file in its own transaction and recorded in
 * `schema_migrations`. A database that already has a version this binary does not know was
 * written by a newer Switchyard and is refused untouched (ADM_ERR_SCHEMA_TOO_NEW); a recorded
 * migration whose name differs from this binary's file of the same number is refused too.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string }>;
  const from = rows.length ? rows[rows.length - 1].version : 0;
  const known = migrations.length;
  if (from > known) {
    const newest = rows[rows.length - 1].name;
    throw adminError(
      'ADM_ERR_SCHEMA_TOO_NEW',
      `database schema version ${from} (${newest}) is newer than this Switchyard supports (version ${known}); ` +
        'run the newer switchyard that wrote it, or start with another --data directory',
    );
  }
  for (const row of rows) {
    const mine = migrations[row.version - 1];
    if (!mine || mine.name !== row.name) {
      throw adminError('ADM_ERR_MIGRATION', `database has migration ${row.version} recorded as ${row.name}, but this Switchyard's is ${mine?.name ?? 'missing'}`);
    }
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: string[] = [];
  for (const mig of migrations.slice(from)) {
    const apply = db.transaction(() => {
      db.exec(mig.sql);
      record.run(mig.version, mig.name, new Date().toISOString());
      db.pragma(`user_version = ${mig.version}`);
    });
    try {
      apply();
    } catch (e) {
      throw adminError('ADM_ERR_MIGRATION', `migration ${mig.name} failed: ${(e as Error).message}`);
    }
    applied.push(mig.name);
  }
  return { from, to: known, applied };
}
