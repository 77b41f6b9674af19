import Database from 'better-sqlite3';
import { defaultMigrationsDir, loadMigrations, migrate } from '../store';

/** `draining` until every worker reports the address idle, then `drained`; `cancelled` when put back in service first. */
export type DrainState = 'draining' | 'drained' | 'cancelled';
/** What a drain's `timeout` does: cut what remains (`close`) or only report it (`keep`). */
export type OnTimeout = 'close' | 'keep';

/** What `on_timeout: close` cut, in total and per worker. */
export interface ClosedReport {
  readonly requests: number;
  readonly upgraded: number;
  readonly workers: readonly { node: string; requests: number; upgraded: number }[];
}

/** One drain job as stored (migrations/0002_drains.sql). Mutable: the manager updates it in place and saves it. */
export interface DrainRecord {
  id: number;
  address: string;
  pools: string[];
  state: DrainState;
  revision: number;
  startedAt: string;
  finishedAt: string | null;
  timeoutMs: number | null;
  deadlineMs: number | null;
  onTimeout: OnTimeout;
  keepSticky: boolean;
  remove: boolean;
  timedOut: boolean;
  closed: ClosedReport | null;
  /** Worker ids seen during the job: after an admin restart they are waited for. */
  workers: string[];
  finalRevision: number | null;
  error: string | null;
}

type Row = {
  id: number; address: string; pools: string; state: string; revision: number; started_at: string; finished_at: string | null;
  timeout_ms: number | null; deadline_ms: number | null; on_timeout: string; keep_sticky: number; remove: number; timed_out: number;
  closed: string | null; workers: string; final_revision: number | null; error: string | null;
};

const COLS = 'address, pools, state, revision, started_at, finished_at, timeout_ms, deadline_ms, on_timeout, keep_sticky, remove, timed_out, closed, workers, final_revision, error';

function toRow(r: DrainRecord): Omit<Row, 'id'> & { id?: number } {
  return {
    id: r.id, address: r.address, pools: JSON.stringify(r.pools), state: r.state, revision: r.revision, started_at: r.startedAt,
    finished_at: r.finishedAt, timeout_ms: r.timeoutMs, deadline_ms: r.deadlineMs, on_timeout: r.onTimeout,
    keep_sticky: r.keepSticky ? 1 : 0, remove: r.remove ? 1 : 0, timed_out: r.timedOut ? 1 : 0,
    closed: r.closed ? JSON.stringify(r.closed) : null, workers: JSON.stringify(r.workers), final_revision: r.finalRevision, error: r.error,
  };
}

function fromRow(r: Row): DrainRecord {
  return {
    id: r.id, address: r.address, pools: JSON.parse(r.pools) as string[], state: r.state as DrainState, revision: r.revision,
    startedAt: r.started_at, finishedAt: r.finished_at, timeoutMs: r.timeout_ms, deadlineMs: r.deadline_ms,
    onTimeout: r.on_timeout as OnTimeout, keepSticky: r.keep_sticky === 1, remove: r.remove === 1, timedOut: r.timed_out === 1,
    closed: r.closed ? (JSON.parse(r.closed) as ClosedReport) : null, workers: JSON.parse(r.workers) as string[],
    finalRevision: r.final_revision, error: r.error,
  };
}

/**
 * Drain jobs in SQLite, on a connection of their own to the admin's database file (the
 * migrations, 0002_drains included, were applied by ConfigStore.open). `:memory:` gets a
 * private in-memory database migrated here, so app tests need no file. Synchronous, like
 * the config store: a job saved before a response is sent survives kill -9.
 */
export class DrainStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
    if (file === ':memory:') migrate(this.db, loadMigrations(defaultMigrationsDir()));
    this.stmt = {
      insert: this.db.prepare(`INSERT INTO drains (${COLS}) VALUES (@address, @pools, @state, @revision, @started_at, @finished_at, @timeout_ms, @deadline_ms, @on_timeout, @keep_sticky, @remove, @timed_out, @closed, @workers, @final_revision, @error)`),
      update: this.db.prepare(`UPDATE drains SET ${COLS.split(', ').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`),
      active: this.db.prepare("SELECT * FROM drains WHERE state = 'draining' ORDER BY id"),
      byAddress: this.db.prepare('SELECT * FROM drains WHERE address = ? ORDER BY id DESC LIMIT 50'),
    };
  }

  /** Stores a new job and gives it its id. */
  insert(r: Omit<DrainRecord, 'id'>): DrainRecord {
    const { id: _ignored, ...row } = toRow({ ...r, id: 0 });
    const info = this.stmt.insert.run(row);
    return { ...r, id: Number(info.lastInsertRowid) };
  }

  save(r: DrainRecord): void {
    this.stmt.update.run(toRow(r));
  }

  /** Jobs still draining, oldest first (to resume at start). */
  active(): DrainRecord[] {
    return (this.stmt.active.all() as Row[]).map(fromRow);
  }

  /** The newest job of `address` (touching `pool`, when given). */
  latest(address: string, pool?: string): DrainRecord | undefined {
    const rows = (this.stmt.byAddress.all(address) as Row[]).map(fromRow);
    return rows.find((r) => pool === undefined || r.pools.includes(pool));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
