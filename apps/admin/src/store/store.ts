import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Json } from '../config/tree';
import { defaultMigrationsDir, loadMigrations, migrate, type MigrationResult } from './migrate';
import { project, type Projection } from './projection';

/** What a revision row says about a change, without the (possibly large) document. */
export interface RevisionMeta {
  readonly n: number;
  readonly createdAt: string;
  readonly method: string;
  readonly path: string;
  readonly note: string | null;
  readonly source: string | null;
  readonly hash: string;
}

/** A stored revision with its document (parsed) and the patch from revision n-1. */
export interface Revision extends RevisionMeta {
  readonly config: Json | null;
  /** The canonical JSON text exactly as stored. */
  readonly text: string;
  readonly patch: unknown;
}

/** One accepted change, ready to store: the caller has validated and canonicalised it. */
export interface CommitInput {
  readonly config: Json | null;
  readonly text: string;
  readonly hash: string;
  readonly patch: unknown;
  readonly method: string;
  readonly path: string;
  readonly note?: string | null;
  readonly source?: string | null;
}

export interface StoreOptions {
  /** Directory holding `switchyard.db` (created if missing). Ignored when `file` is given. */
  dataDir?: string;
  /** Database file; `:memory:` for a throwaway store. */
  file?: string;
  migrationsDir?: string;
}

export const DB_FILE = 'switchyard.db';

type RevisionRow = { n: number; created_at: string; method: string; path: string; note: string | null; source: string | null; hash: string };
type FullRow = RevisionRow & { config: string; patch: string };

/**
 * The admin's durable state in SQLite (WAL, synchronous=FULL: a commit that returned survives
 * kill -9 and power loss). Each commit is one transaction: a new numbered revision row plus a
 * rewrite of the projection tables. Statements are prepared once. Single writer: the caller
 * serialises commits.
 */
export class ConfigStore {
  readonly file: string;
  readonly migration: MigrationResult;
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<typeof prepare>;
  private readonly commitTx: (input: CommitInput, rows: Projection) => RevisionMeta;

  private constructor(file: string, migrationsDir: string) {
    this.file = file;
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migration = migrate(this.db, loadMigrations(migrationsDir));
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    this.stmt = prepare(db);
    this.commitTx = db.transaction((input: CommitInput, rows: Projection): RevisionMeta => {
      const n = (this.stmt.next.get() as { n: number }).n;
      const meta: RevisionMeta = {
        n,
        createdAt: new Date().toISOString(),
        method: input.method,
        path: input.path,
        note: input.note ?? null,
        source: input.source ?? null,
        hash: input.hash,
      };
      this.stmt.insert.run({ ...meta, config: input.text, patch: JSON.stringify(input.patch) });
      for (const s of this.stmt.clear) s.run();
      for (const r of rows.servers) this.stmt.server.run(r);
      for (const r of rows.routes) this.stmt.route.run(r);
      for (const r of rows.pools) this.stmt.pool.run(r);
      for (const r of rows.policies) this.stmt.policy.run(r);
      for (const r of rows.upstreams) this.stmt.upstream.run(r);
      return meta;
    });
  }

  /** Opens (creating if needed) and migrates the store; throws AdminError on refusal. */
  static open(opts: StoreOptions = {}): ConfigStore {
    let file = opts.file;
    if (file === undefined) {
      const dir = path.resolve(opts.dataDir ?? './data');
      mkdirSync(dir, { recursive: true });
      file = path.join(dir, DB_FILE);
    }
    return new ConfigStore(file, opts.migrationsDir ?? defaultMigrationsDir());
  }

  /** The newest revision, or undefined when nothing was ever stored (revision 0: null config). */
  latest(): Revision | undefined {
    const row = this.stmt.latest.get() as FullRow | undefined;
    return row && toRevision(row);
  }

  get(n: number): Revision | undefined {
    const row = this.stmt.get.get(n) as FullRow | undefined;
    return row && toRevision(row);
  }

  /** Newest first, strictly below `before` (default: all). */
  list(limit: number, before = Number.MAX_SAFE_INTEGER): RevisionMeta[] {
    return (this.stmt.list.all(before, limit) as RevisionRow[]).map(toMeta);
  }

  /** Stores one accepted change and its projection atomically; returns the new revision. */
  commit(input: CommitInput): RevisionMeta {
    return this.commitTx(input, project(input.config));
  }

  /** The projection tables as stored (for inspection and tests). */
  rows(): Projection {
    const all = (t: string, order: string) => this.db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).all();
    return {
      servers: all('servers', 'name') as Projection['servers'],
      routes: all('routes', 'path') as Projection['routes'],
      pools: all('pools', 'path') as Projection['pools'],
      policies: all('policies', 'pool_id') as Projection['policies'],
      upstreams: all('upstreams', 'pool_id, position') as Projection['upstreams'],
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toMeta(r: RevisionRow): RevisionMeta {
  return { n: r.n, createdAt: r.created_at, method: r.method, path: r.path, note: r.note, source: r.source, hash: r.hash };
}

function toRevision(r: FullRow): Revision {
  return { ...toMeta(r), config: JSON.parse(r.config) as Json | null, text: r.config, patch: JSON.parse(r.patch) as unknown };
}

/** Every statement the store runs, prepared once per connection. */
function prepare(db: Database.Database) {
  const cols = 'n, created_at, method, path, note, source, hash';
  return {
    latest: db.prepare(`SELECT ${cols}, config, patch FROM revisions ORDER BY n DESC LIMIT 1`),
    get: db.prepare(`SELECT ${cols}, config, patch FROM revisions WHERE n = ?`),
    list: db.prepare(`SELECT ${cols} FROM revisions WHERE n < ? ORDER BY n DESC LIMIT ?`),
    next: db.prepare('SELECT COALESCE(MAX(n), 0) + 1 AS n FROM revisions'),
    insert: db.prepare(
      'INSERT INTO revisions (n, created_at, method, path, note, source, hash, config, patch) VALUES (@n, @createdAt, @method, @path, @note, @source, @hash, @config, @patch)',
    ),
    clear: ['upstreams', 'policies', 'pools', 'routes', 'servers'].map((t) => db.prepare(`DELETE FROM ${t}`)),
    server: db.prepare('INSERT INTO servers (name, listen) VALUES (@name, @listen)'),
    route: db.prepare('INSERT INTO routes (path, server, parent, position, match, handlers, terminal) VALUES (@path, @server, @parent, @position, @match, @handlers, @terminal)'),
    pool: db.prepare('INSERT INTO pools (id, path, server, route) VALUES (@id, @path, @server, @route)'),
    policy: db.prepare(
      'INSERT INTO policies (pool_id, policy, options, retries, try_duration_ms, try_interval_ms) VALUES (@pool_id, @policy, @options, @retries, @try_duration_ms, @try_interval_ms)',
    ),
    upstream: db.prepare(
      'INSERT INTO upstreams (pool_id, position, address, weight, backup, state, max_requests) VALUES (@pool_id, @position, @address, @weight, @backup, @state, @max_requests)',
    ),
  };
}
