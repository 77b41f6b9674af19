import { leaseSize, type BucketSpec } from './bucket';
import { LocalLimiter, type Limiter } from './local';
import { RL_MESSAGE, isRateLimitMessage, type ToPrimary, type ToWorker, type WithoutTypeSeq } from './protocol';

interface Lease {
  /** Tokens leased from the primary and not used yet. */
  allowance: number;
  pending: Promise<void> | undefined;
  /** The node's bucket is empty until then (monotonic ms): refuse locally without asking. */
  deniedUntil: number;
  lastUse: number;
  spec: BucketSpec;
}

/** How long unused leased tokens stay with a worker before they go back to the primary. */
const IDLE_RETURN_MS = 200;
/** Forget a key's lease state after this long without requests. */
const FORGET_MS = 30_000;

/**
 * The worker side of node-wide rate limits. The primary owns every bucket; a worker leases
 * tokens in small batches (leaseSize) and spends them locally, so most requests are decided
 * without a message. When its allowance is gone it asks again (prefetching for busy keys);
 * when the primary says the bucket is empty it refuses locally until the next token is due.
 * Tokens unused for IDLE_RETURN_MS go back. The node therefore never admits more than its
 * bucket allows plus the few tokens in flight, and never strands more than one batch per
 * worker. Concurrency slots are granted by the primary one by one (exact across workers).
 * If the primary does not answer within `timeoutMs`, the worker falls back to its share
 * (1/workers) of the limit, decided locally.
 */
export class ClusterLimiter implements Limiter {
  private seq = 0;
  private readonly replies = new Map<number, (m: ToWorker | undefined) => void>();
  private readonly leases = new Map<string, Lease>();
  private readonly fallback = new LocalLimiter();
  private readonly fallbackSlots = new Map<string, number>();
  private workers = 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (m: ToPrimary) => void,
    subscribe: (onMessage: (m: unknown) => void) => void,
    private readonly timeoutMs = 1000,
  ) {
    subscribe((m) => {
      if (!isRateLimitMessage(m)) return;
      const r = this.replies.get((m as ToWorker).seq);
      if (r) {
        this.replies.delete((m as ToWorker).seq);
        r(m as ToWorker);
      }
    });
  }

  /** The limiter of a cluster worker, talking to the primary over the IPC channel. */
  static forProcess(): ClusterLimiter {
    return new ClusterLimiter(
      (m) => {
        if (!process.connected || !process.send) throw new Error('IPC channel closed');
        // with a callback, a failed send is reported there instead of as a process 'error'
        process.send(m, undefined, undefined, () => undefined);
      },
      (fn) => process.on('message', fn),
    );
  }

  take(id: string, spec: BucketSpec): number | Promise<number> {
    const now = performance.now();
    let l = this.leases.get(id);
    if (!l) {
      l = { allowance: 0, pending: undefined, deniedUntil: 0, lastUse: now, spec };
      this.leases.set(id, l);
      this.startSweep();
    }
    l.spec = spec;
    l.lastUse = now;
    if (l.allowance >= 1) {
      l.allowance--;
      this.prefetch(id, l, now);
      return 0;
    }
    if (now < l.deniedUntil) return l.deniedUntil - now;
    return this.takeSlow(id, l);
  }

  acquire(id: string, max: number): Promise<boolean> {
    return this.call({ op: 'acquire', id, max }).then((m) => {
      if (m?.op === 'slot') return m.ok;
      // primary silent: hold a local share of the slots, released locally
      const share = Math.max(1, Math.floor(max / this.workers));
      if (!this.fallback.acquire(id, share)) return false;
      this.fallbackSlots.set(id, (this.fallbackSlots.get(id) ?? 0) + 1);
      return true;
    });
  }

  release(id: string): void {
    const local = this.fallbackSlots.get(id);
    if (local) {
      if (local <= 1) this.fallbackSlots.delete(id);
      else this.fallbackSlots.set(id, local - 1);
      this.fallback.release(id);
      return;
    }
    this.post({ op: 'release', id });
  }

  private async takeSlow(id: string, l: Lease): Promise<number> {
    // requests queued behind one lease may outnumber its tokens: ask again while the bucket has some
    for (let round = 0; round < 3; round++) {
      await this.lease(id, l);
      if (l.allowance >= 1) {
        l.allowance--;
        return 0;
      }
      const now = performance.now();
      if (now < l.deniedUntil) return l.deniedUntil - now;
    }
    return 1000 / l.spec.rate;
  }

  private prefetch(id: string, l: Lease, now: number): void {
    const size = leaseSize(l.spec, this.workers);
    if (size >= 2 && !l.pending && l.allowance <= size / 2 && now >= l.deniedUntil) void this.lease(id, l);
  }

  private lease(id: string, l: Lease): Promise<void> {
    if (l.pending) return l.pending;
    const { rate, burst } = l.spec;
    l.pending = this.call({ op: 'lease', id, want: leaseSize(l.spec, this.workers), rate, burst }).then((m) => {
      l.pending = undefined;
      const now = performance.now();
      if (m?.op === 'grant') {
        this.workers = Math.max(1, m.workers);
        l.allowance += m.n;
        if (m.waitMs > 0) l.deniedUntil = now + m.waitMs;
        return;
      }
      const share = { rate: rate / this.workers, burst: Math.max(1, Math.floor(burst / this.workers)) };
      const wait = this.fallback.take(id, share);
      if (wait === 0) l.allowance += 1;
      else l.deniedUntil = now + wait;
    });
    return l.pending;
  }

  private call(msg: WithoutTypeSeq<ToPrimary>): Promise<ToWorker | undefined> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.replies.delete(seq);
        resolve(undefined);
      }, this.timeoutMs);
      t.unref();
      this.replies.set(seq, (m) => {
        clearTimeout(t);
        resolve(m);
      });
      if (!this.post({ ...msg, seq })) {
        clearTimeout(t);
        this.replies.delete(seq);
        resolve(undefined);
      }
    });
  }

  private post(msg: WithoutTypeSeq<ToPrimary> | (WithoutTypeSeq<ToPrimary> & { seq: number })): boolean {
    try {
      this.send({ type: RL_MESSAGE, ...msg } as ToPrimary);
      return true;
    } catch {
      return false;
    }
  }

  private startSweep(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const [id, l] of this.leases) {
        const idle = now - l.lastUse;
        if (l.allowance >= 1 && idle > IDLE_RETURN_MS) {
          const n = Math.floor(l.allowance);
          l.allowance -= n;
          this.post({ op: 'return', id, n, rate: l.spec.rate, burst: l.spec.burst });
        }
        if (idle > FORGET_MS && l.allowance < 1 && !l.pending) this.leases.delete(id);
      }
      if (this.leases.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, IDLE_RETURN_MS);
    this.timer.unref();
  }
}
