import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import path from 'node:path';
import { attachRateLimitCoordinator } from './ratelimit';

/** What every worker is told at fork time (passed as JSON in SWITCHYARD_WORKER). */
export interface WorkerOptions {
  /** Serve this config file (JSON)... */
  configFile?: string;
  /** ...or be fed by this admin (ws:// or http:// base URL). */
  adminUrl?: string;
  token?: string;
  nodeId: string;
  cacheFile?: string;
  /** Grace period for in-flight requests on SIGTERM / shutdown. */
  graceMs: number;
}

export interface SupervisorOptions extends WorkerOptions {
  workers?: number;
  log?: (msg: string) => void;
}

export interface Supervisor {
  /** Stop: tell every worker to stop accepting and finish in-flight requests, then resolve. */
  stop(): Promise<void>;
  /** Live worker pids. */
  pids(): number[];
  /**
   * Resolves when every worker has reported ready once. With `configFile`, rejects (after
   * stopping the others) if a worker exits before its first ready: the same file would fail
   * the same way again, so restarting it would only loop.
   */
  ready: Promise<void>;
}

/**
 * The proxy supervisor: the node:cluster primary that forks N workers sharing the listen
 * sockets (SCHED_NONE: the kernel spreads connections, no hand-off through the primary),
 * restarts a worker that dies with exponential back-off (reset after a minute of stability),
 * and stops them all gracefully.
 */
export function startSupervisor(opts: SupervisorOptions): Supervisor {
  const n = Math.max(1, opts.workers ?? os.availableParallelism());
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: path.join(__dirname, 'worker-main.js'), args: [], silent: false });
  const env = { SWITCHYARD_WORKER: JSON.stringify({ ...opts, workers: undefined, log: undefined }) };
  let stopping = false;
  const slots = new Map<number, { worker: Worker; started: number; crashes: number }>();
  let readyCount = 0;
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });

  const fork = (slot: number, crashes: number) => {
    const worker = cluster.fork({ ...env, SWITCHYARD_WORKER_ID: String(slot) });
    slots.set(slot, { worker, started: Date.now(), crashes });
    let wasReady = false;
    worker.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready' && !wasReady) {
        wasReady = true;
        if (++readyCount === n) resolveReady();
      }
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      if (!wasReady && opts.configFile && readyCount < n) {
        opts.log?.(`worker ${slot} (pid ${worker.process.pid}) exited (${signal ?? code}) before it was ready; giving up`);
        void sup.stop().then(() => rejectReady(new Error(`worker ${slot} could not start from ${opts.configFile} (exited ${signal ?? code}); see its error above`)));
        return;
      }
      const s = slots.get(slot)!;
      const stable = Date.now() - s.started > 60_000;
      const c = stable ? 0 : s.crashes + 1;
      const delay = Math.min(10_000, 100 * 2 ** Math.min(c, 7));
      opts.log?.(`worker ${slot} (pid ${worker.process.pid}) exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && fork(slot, c), delay).unref();
    });
  };
  // Before the first fork: workers inherit the variable that makes them lease rate-limit
  // tokens from the primary, so a limit holds for the whole node.
  const rateLimits = attachRateLimitCoordinator(cluster);
  const sup: Supervisor = {
    ready,
    pids: () => [...slots.values()].filter((s) => !s.worker.isDead()).map((s) => s.worker.process.pid!),
    stop: async () => {
      stopping = true;
      const live = [...slots.values()].map((s) => s.worker).filter((w) => !w.isDead());
      await Promise.all(live.map((w) => new Promise<void>((resolve) => {
        const kill = setTimeout(() => w.process.kill('SIGKILL'), opts.graceMs + 5000);
        w.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        try {
          w.send({ type: 'shutdown' });
        } catch {
          w.process.kill('SIGTERM');
        }
      })));
      rateLimits.detach();
    },
  };
  for (let i = 1; i <= n; i++) fork(i, 0);
  return sup;
}
