import type { Cluster, Worker } from 'node:cluster';
import { LocalLimiter } from './local';
import { COORDINATOR_ENV, RL_MESSAGE, isRateLimitMessage, type ToPrimary, type ToWorker } from './protocol';

/** Handle on the node-wide rate-limit state kept by the cluster primary. */
export interface RateLimitCoordinator {
  /** Stop answering workers and drop the state (supervisor shutdown, tests). */
  detach(): void;
}

/**
 * Make the cluster primary the owner of every rate-limit bucket and concurrency slot of the
 * node. Call it before forking: it marks the environment (COORDINATOR_ENV) so the workers
 * forked afterwards lease from the primary instead of limiting on their own. Slots held by a
 * worker that exits are released; tokens it leased are simply spent.
 */
export function attachRateLimitCoordinator(cluster: Cluster): RateLimitCoordinator {
  process.env[COORDINATOR_ENV] = '1';
  const authority = new LocalLimiter();
  /** worker id -> slot id -> slots held */
  const held = new Map<number, Map<string, number>>();

  const live = (): number => {
    let n = 0;
    for (const w of Object.values(cluster.workers ?? {})) if (w && !w.isDead()) n++;
    return Math.max(1, n);
  };
  const reply = (worker: Worker, m: ToWorker): void => {
    try {
      // the callback keeps a send that races a dying worker from becoming an 'error' event
      if (worker.isConnected()) worker.send(m, undefined, undefined, () => undefined);
    } catch {
      // the worker is going away; its pending request times out there
    }
  };

  const onMessage = (worker: Worker, raw: unknown): void => {
    if (!isRateLimitMessage(raw)) return;
    const m = raw as ToPrimary;
    switch (m.op) {
      case 'lease': {
        const r = authority.lease(m.id, { rate: m.rate, burst: m.burst }, m.want);
        reply(worker, { type: RL_MESSAGE, op: 'grant', seq: m.seq, n: r.n, waitMs: r.waitMs, workers: live() });
        break;
      }
      case 'return':
        authority.giveBack(m.id, { rate: m.rate, burst: m.burst }, m.n);
        break;
      case 'acquire': {
        const ok = authority.acquire(m.id, m.max);
        if (ok) {
          let h = held.get(worker.id);
          if (!h) held.set(worker.id, (h = new Map()));
          h.set(m.id, (h.get(m.id) ?? 0) + 1);
        }
        reply(worker, { type: RL_MESSAGE, op: 'slot', seq: m.seq, ok });
        break;
      }
      case 'release': {
        const h = held.get(worker.id);
        const n = h?.get(m.id) ?? 0;
        if (n === 0) break;
        if (n === 1) h!.delete(m.id);
        else h!.set(m.id, n - 1);
        authority.release(m.id);
        break;
      }
    }
  };
  const onExit = (worker: Worker): void => {
    const h = held.get(worker.id);
    if (!h) return;
    held.delete(worker.id);
    for (const [id, n] of h) for (let i = 0; i < n; i++) authority.release(id);
  };

  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  return {
    detach() {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
      authority.dispose();
      held.clear();
      delete process.env[COORDINATOR_ENV];
    },
  };
}
