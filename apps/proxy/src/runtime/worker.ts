import { SwitchyardError, validateConfig, type SwitchyardConfig } from '@switchyard/shared';
import { HostRegistry } from '../upstream/registry';
import type { RequestContext } from '../handlers/types';
import { buildRuntime, listenKey, DEFAULT_SETTINGS, type Runtime, type ServerRuntime } from './build';
import { Listener } from './listeners';

/** Why an apply failed: the catalogue code, a message and the JSON pointer of the culprit. */
export interface ApplyFailure {
  code: string;
  message: string;
  path: string;
}

/**
 * The data plane of one worker process: the live host registry, the bound listeners and the
 * runtime in force. `apply` is validate -> build -> bind new listeners -> swap one reference ->
 * retire what is gone; any failure before the swap leaves the current runtime untouched and
 * closes everything the attempt opened.
 */
export class ProxyWorker {
  readonly registry = new HostRegistry();
  private runtime: Runtime | null = null;
  private readonly listeners = new Map<string, Listener>();
  private readonly retiring = new Set<Listener>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  closing = false;
  onRequestDone?: (ctx: RequestContext, srv: ServerRuntime) => void;
  private applying: Promise<unknown> = Promise.resolve();

  current(): Runtime | null {
    return this.runtime;
  }

  /** Requests in flight right now, across all listeners. */
  get activeRequests(): number {
    return this.inFlight;
  }

  /** Port bound for a listen key (tests use ":0"-style configs rarely; mostly for diagnostics). */
  boundPort(key: string): number | undefined {
    return this.listeners.get(key)?.port();
  }

  /** Apply a config; serialised so two applies never interleave. Resolves on success, rejects with SwitchyardError. */
  apply(config: unknown, revision: number | null, hash: string | null): Promise<Runtime> {
    const run = this.applying.then(() => this.applyNow(config, revision, hash));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(config: unknown, revision: number | null, hash: string | null): Promise<Runtime> {
    // An unloaded config (DELETE /config/) arrives as null: serve nothing, as Caddy does.
    const v = validateConfig(config ?? {});
    if (!v.ok) {
      const i = v.issues[0]!;
      throw new SwitchyardError(i.code, 400, `${i.path}: ${i.message}`, i.path);
    }
    // No copy: the document is frozen in place by buildRuntime. Callers never mutate what they
    // applied (the admin client derives the next document with applyPatch, which shares the
    // unchanged, already frozen subtrees, so freezing costs only the changed path).
    const rt = buildRuntime(v.value as SwitchyardConfig, { registry: this.registry }, revision, hash);
    const added: Listener[] = [];
    try {
      for (const [key, srv] of rt.byListen) {
        if (this.listeners.has(key)) continue;
        const l = new Listener(key, this.host, srv.settings);
        added.push(l);
        try {
          await l.listen();
        } catch (e) {
          const err = e as SwitchyardError;
          const idx = srv.listen.findIndex((a) => listenKey(a) === key);
          throw new SwitchyardError(err.code ?? 'PRX_ERR_LISTEN', 500, err.message, srv.bindPointer ?? `/apps/http/servers/${srv.name}/listen/${idx}`);
        }
      }
    } catch (e) {
      rt.dispose();
      await Promise.all(added.map((l) => l.close(1)));
      throw e;
    }
    for (const l of added) this.listeners.set(l.key, l);
    const old = this.runtime;
    this.runtime = rt;
    for (const [key, srv] of rt.byListen) this.listeners.get(key)!.apply(srv.settings);
    this.registry.retain(rt.addresses);
    for (const [key, l] of this.listeners) {
      if (rt.byListen.has(key)) continue;
      this.listeners.delete(key);
      this.retiring.add(l);
      void drain(l, old?.gracePeriodMs ?? 0).then(() => this.retiring.delete(l));
    }
    old?.dispose();
    return rt;
  }

  /** Graceful stop: stop accepting everywhere, finish in-flight requests (bounded by graceMs), dispose. */
  async stop(graceMs: number): Promise<void> {
    this.closing = true;
    const all = [...this.listeners.values(), ...this.retiring];
    this.listeners.clear();
    const closed = Promise.all(all.map((l) => drain(l, graceMs)));
    const idle = new Promise<void>((r) => (this.inFlight === 0 ? r() : this.idleWaiters.push(r)));
    const timer = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([Promise.all([closed, idle]), timer]);
    this.runtime?.dispose();
  }

  private readonly host = ((self: ProxyWorker) => ({
    current: () => self.runtime,
    track: (d: 1 | -1) => {
      self.inFlight += d;
      if (self.inFlight === 0 && self.idleWaiters.length) {
        const w = self.idleWaiters;
        self.idleWaiters = [];
        for (const f of w) f();
      }
    },
    onDone: (ctx: RequestContext, srv: ServerRuntime) => self.onRequestDone?.(ctx, srv),
    get closing() {
      return self.closing;
    },
  }))(this);
}

/**
 * Close a listener and, until its last connection is gone, keep closing the connections that
 * have become idle, as Go's Server.Shutdown polls: a request in flight at the close finishes
 * on a keep-alive connection, which would otherwise stay open until the client's idle timeout
 * and hold the shutdown to its whole grace period.
 */
function drain(l: Listener, graceMs: number): Promise<void> {
  const poll = setInterval(() => l.closeIdle(), DRAIN_POLL_MS);
  poll.unref();
  return l.close(graceMs).finally(() => clearInterval(poll));
}

const DRAIN_POLL_MS = 100;

export { DEFAULT_SETTINGS };
