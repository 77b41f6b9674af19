import { adminError } from '../errors';
import type { ConfigService } from '../service';
import { EventBus } from './bus';
import { changePools, editIn, withState, type ChangeMeta, type PoolChange } from './edits';
import { cutRemaining, writeFinalRevision } from './final';
import { relayHubEvents } from './relay';
import { LiveStats, type DrainHub } from './live';
import { listPools, type PoolView } from './pools';
import { judgeDrain, type DrainProgress, type GoneWorker } from './progress';
import { DrainStore, type DrainRecord, type OnTimeout } from './store';
import { jobView, type DrainJobView } from './view';

/** What a DrainManager works with. */
export interface DrainManagerOptions {
  service: ConfigService;
  /** Database file of the admin's store (`:memory:` keeps jobs in memory). */
  file: string;
  hub?: DrainHub;
  /** How long a worker seen during a drain is waited for after it disconnects (or after an admin restart). */
  reconnectGraceMs?: number;
  /** Re-evaluation period of running drains. */
  tickMs?: number;
  /** Bound on `close_upstream` and fresh-stats requests. */
  requestTimeoutMs?: number;
}

/** One request to drain an upstream (POST .../drain, or DELETE /pools/.../upstreams/...?drain=true). */
export interface DrainRequest {
  address: string;
  pool?: string;
  timeoutMs: number | null;
  onTimeout: OnTimeout;
  /** true/false sets or clears `keep_sticky`; undefined leaves it. */
  keepSticky?: boolean;
  /** Allow draining the last available upstream of a pool. */
  force: boolean;
  /** Remove the upstream once drained (DELETE /pools/{id}/upstreams/{address}?drain=true). */
  remove: boolean;
  meta: ChangeMeta;
}

interface Job {
  rec: DrainRecord;
  gone: Map<string, GoneWorker>;
  progress: DrainProgress;
  progressKey: string;
  busy: boolean;
  deadline?: NodeJS.Timeout;
  waiters: Set<() => void>;
}

const EMPTY: DrainProgress = { complete: false, in_flight: 0, upgraded: 0, workers: [] };

/**
 * Drain jobs: `draining` from the revision that set the upstream draining until every
 * connected worker serves that revision (or a later one) and reports the address idle; then
 * the manager writes the revision that sets it `drained` (or removes it) and the job is
 * `drained`. Jobs are saved in SQLite and resumed at start, waiting `reconnectGraceMs` for
 * the workers seen before. `timeout` + `on_timeout: close` asks every worker to cut what
 * remains; `keep` only reports the timeout. A job is `cancelled` when its upstream is put
 * back in service. Progress and outcomes are published on `bus`.
 */
export class DrainManager {
  readonly bus = new EventBus();
  readonly live: LiveStats;
  private readonly db: DrainStore;
  private readonly jobs = new Map<number, Job>();
  private readonly grace: number;
  private detach: (() => void) | undefined;
  private tick: NodeJS.Timeout | undefined;
  private scheduled = false;
  private closed = false;
  private poolCache: { revision: number; pools: PoolView[] } | undefined;

  constructor(private readonly o: DrainManagerOptions) {
    this.db = new DrainStore(o.file);
    this.live = new LiveStats(o.hub, () => this.schedule());
    this.grace = o.reconnectGraceMs ?? 10_000;
  }

  /** Resume the jobs found draining, and relay the hub's events to the bus. */
  start(): void {
    if (this.o.hub) this.detach = relayHubEvents(this.o.hub, this.bus, () => this.schedule());
    const now = Date.now();
    for (const rec of this.db.active()) {
      const job = this.activate(rec);
      for (const w of rec.workers) job.gone.set(w, { waitUntil: now + this.grace });
      this.bus.publish('drain.resumed', jobView(rec, job.progress));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.tick) clearInterval(this.tick);
    for (const job of this.jobs.values()) {
      if (job.deadline) clearTimeout(job.deadline);
      this.wake(job);
    }
    this.detach?.();
    this.live.close();
    this.db.close();
  }

  /** Sets the upstream draining (one revision) and starts or extends its job. Throws AdminErrors (404, 409, 400). */
  drain(req: DrainRequest): { job: DrainJobView; change: PoolChange } {
    const change = changePools(this.o.service, req.meta, req.force, () => this.live.unhealthy(), editIn(req.address, req.pool, withState('draining', req.keepSticky)));
    const now = Date.now();
    const deadlineMs = req.timeoutMs === null ? null : now + req.timeoutMs;
    const running = this.activeFor(req.address);
    if (running) {
      const rec = running.rec;
      rec.pools = [...new Set([...rec.pools, ...change.pools])];
      rec.revision = change.result.revision;
      rec.remove ||= req.remove;
      if (req.timeoutMs !== null) Object.assign(rec, { timeoutMs: req.timeoutMs, deadlineMs, onTimeout: req.onTimeout, timedOut: false });
      this.db.save(rec);
      this.arm(running);
      this.schedule();
      return { job: jobView(rec, running.progress), change };
    }
    const rec = this.db.insert({
      address: req.address, pools: change.pools, state: 'draining', revision: change.result.revision, startedAt: new Date(now).toISOString(),
      finishedAt: null, timeoutMs: req.timeoutMs, deadlineMs, onTimeout: req.onTimeout, keepSticky: req.keepSticky === true, remove: req.remove,
      timedOut: false, closed: null, workers: this.live.connected().sort(), finalRevision: null, error: null,
    });
    const job = this.activate(rec);
    job.progress = this.judge(rec, job.gone);
    this.bus.publish('drain.started', jobView(rec, job.progress));
    this.evaluate(job);
    return { job: jobView(rec, job.progress), change };
  }

  /** Puts the upstream back in service (state active) and cancels its running job in those pools. */
  undrain(address: string, pool: string | undefined, meta: ChangeMeta): { change: PoolChange; job: DrainJobView | null } {
    const back = withState('active');
    const change = changePools(this.o.service, meta, true, () => this.live.unhealthy(), editIn(address, pool, (u) => (u['state'] === undefined || u['state'] === 'active' ? u : back(u))));
    const running = this.activeFor(address);
    if (running) {
      running.rec.pools = pool === undefined ? [] : running.rec.pools.filter((p) => p !== pool);
      if (running.rec.pools.length === 0) this.finish(running, 'cancelled', `put back in service by revision ${change.result.revision}`);
      else this.db.save(running.rec);
    }
    const rec = running?.rec ?? this.db.latest(address, pool);
    return { change, job: rec ? this.view(rec) : null };
  }

  /** The newest job of `address` (in `pool`); 404 when there is none. */
  get(address: string, pool?: string): DrainJobView {
    return this.view(this.record(address, pool));
  }

  /** Resolves with the job once it is no longer draining (or timed out with `keep`), or after `ms`. */
  async wait(address: string, pool: string | undefined, ms: number): Promise<DrainJobView> {
    const rec = this.record(address, pool);
    const job = this.jobs.get(rec.id);
    if (job && ms > 0 && !this.closed && !(rec.timedOut && rec.onTimeout === 'keep')) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          job.waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, ms);
        job.waiters.add(done);
      });
    }
    return this.view(rec);
  }

  /** The running job of an address, if any. */
  activeFor(address: string): Job | undefined {
    for (const j of this.jobs.values()) if (j.rec.address === address) return j;
    return undefined;
  }

  private record(address: string, pool?: string): DrainRecord {
    const running = this.activeFor(address);
    if (running && (pool === undefined || running.rec.pools.includes(pool))) return running.rec;
    const rec = this.db.latest(address, pool);
    if (!rec) throw adminError('ADM_ERR_DRAIN_NOT_FOUND', `no drain of ${address}${pool === undefined ? '' : ` in pool '${pool}'`}`);
    return rec;
  }

  private view(rec: DrainRecord): DrainJobView {
    const job = this.jobs.get(rec.id);
    return jobView(rec, job ? job.progress : this.judge(rec, new Map()));
  }

  private activate(rec: DrainRecord): Job {
    const job: Job = { rec, gone: new Map(), progress: EMPTY, progressKey: '', busy: false, waiters: new Set() };
    this.jobs.set(rec.id, job);
    this.arm(job);
    if (!this.tick && !this.closed) {
      this.tick = setInterval(() => this.evaluateAll(), this.o.tickMs ?? 250);
      this.tick.unref();
    }
    return job;
  }

  /** (Re)sets the timeout timer of a job. */
  private arm(job: Job): void {
    if (job.deadline) clearTimeout(job.deadline);
    job.deadline = undefined;
    const d = job.rec.deadlineMs;
    if (d === null || job.rec.timedOut) return;
    job.deadline = setTimeout(() => void this.onDeadline(job), Math.max(0, d - Date.now()));
    job.deadline.unref();
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.jobs.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.evaluateAll();
    });
  }

  private evaluateAll(): void {
    if (this.closed) return;
    for (const job of [...this.jobs.values()]) this.evaluate(job);
  }

  /** Pools of the current revision, computed once per revision (evaluations run on every stats message). */
  private pools(): PoolView[] {
    const cur = this.o.service.current();
    if (this.poolCache?.revision !== cur.revision) this.poolCache = { revision: cur.revision, pools: listPools(cur.doc) };
    return this.poolCache.pools;
  }

  private judge(rec: DrainRecord, gone: ReadonlyMap<string, GoneWorker>): DrainProgress {
    return judgeDrain({ address: rec.address, revision: rec.revision, connected: this.live.connected(), samples: this.live.samples, gone, now: Date.now() });
  }

  private evaluate(job: Job): void {
    if (job.busy || this.closed) return;
    const rec = job.rec;
    const ups = this.pools().filter((p) => rec.pools.includes(p.id)).flatMap((p) => p.upstreams.filter((u) => u.address === rec.address));
    if (ups.some((u) => u.state === 'active')) return this.finish(job, 'cancelled', `put back in service by revision ${this.o.service.current().revision}`);

    const connected = new Set(this.live.connected());
    const now = Date.now();
    let seen = false;
    for (const id of connected) {
      job.gone.delete(id);
      if (!rec.workers.includes(id)) {
        rec.workers.push(id);
        seen = true;
      }
    }
    for (const id of rec.workers) if (!connected.has(id) && !job.gone.has(id)) job.gone.set(id, { waitUntil: now + this.grace });
    if (seen) this.db.save(rec);

    const progress = this.judge(rec, job.gone);
    job.progress = progress;
    const key = `${progress.in_flight}/${progress.upgraded}/${progress.workers.map((w) => `${w.node}:${w.revision}:${w.in_flight}:${w.upgraded}`).join(',')}`;
    if (key !== job.progressKey) {
      job.progressKey = key;
      this.bus.publish('drain.progress', jobView(rec, progress));
    }
    if (progress.complete) void this.confirm(job);
  }

  /** Asks for fresh stats before believing "idle", then writes the final revision. */
  private async confirm(job: Job): Promise<void> {
    job.busy = true;
    try {
      await this.live.refresh(this.o.requestTimeoutMs ?? 1000);
      if (this.closed || !this.jobs.has(job.rec.id)) return;
      const progress = this.judge(job.rec, job.gone);
      job.progress = progress;
      if (!progress.complete) return;
      await this.complete(job);
    } finally {
      job.busy = false;
    }
  }

  private async complete(job: Job): Promise<void> {
    const { revision, error } = await writeFinalRevision(this.o.service, job.rec);
    // Cancelled (undrained) while the final revision was being applied: that answer stands.
    if (this.closed || this.jobs.get(job.rec.id) !== job) return;
    job.rec.finalRevision = revision;
    if (error) job.rec.error = error;
    this.finish(job, 'drained');
  }

  private finish(job: Job, state: 'drained' | 'cancelled', reason?: string): void {
    const rec = job.rec;
    rec.state = state;
    rec.finishedAt = new Date().toISOString();
    if (job.deadline) clearTimeout(job.deadline);
    this.jobs.delete(rec.id);
    this.db.save(rec);
    if (this.jobs.size === 0 && this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
    this.bus.publish(state === 'drained' ? 'drain.completed' : 'drain.cancelled', { ...jobView(rec, job.progress), ...(reason ? { reason } : {}) });
    this.wake(job);
  }

  private wake(job: Job): void {
    for (const w of [...job.waiters]) w();
  }

  private async onDeadline(job: Job): Promise<void> {
    const rec = job.rec;
    if (this.closed || !this.jobs.has(rec.id)) return;
    rec.timedOut = true;
    if (rec.onTimeout === 'keep') {
      this.db.save(rec);
      this.bus.publish('drain.timeout', jobView(rec, job.progress));
      this.wake(job);
      return;
    }
    const cut = await cutRemaining(this.o.hub, rec.address, this.o.requestTimeoutMs ?? 5000);
    rec.closed = cut.closed;
    if (cut.error) rec.error = cut.error;
    if (this.closed) return;
    this.db.save(rec);
    this.bus.publish('drain.closed', jobView(rec, job.progress));
    this.schedule();
  }
}
