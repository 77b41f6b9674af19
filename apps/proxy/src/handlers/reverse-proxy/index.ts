import type { ReverseProxyConfig } from '@switchyard/shared';
import { startActiveHealth, type ActiveHealthChecker } from '../../health';
import type { BuildServices, Handler, Next, RequestContext } from '../types';
import { ProxyCall } from './call';
import { members, compilePlan, type ProxyPlan } from './plan';
import { UpgradeCall } from './upgrade-call';

export { compilePlan, members, type ProxyPlan, DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_TRY_INTERVAL_MS } from './plan';
export { Member, stickyMode, slowStartWeight, type MemberRules, type StickyMode } from './member';
export { mayRetry, pick, unhealthyResponse } from './retry';
export { addForwarded } from './call';

// A Promise executor runs synchronously, so one shared executor hands out each resolver
// without allocating a closure per request.
let captured: (() => void) | undefined;
const capture = (resolve: () => void): void => {
  captured = resolve;
};

/**
 * The `reverse_proxy` handler: a terminal handler that forwards to one upstream of its pool
 * (HTTP through undici, Upgrade through a raw tunnel) and answers the client. Its promise
 * settles when the response is complete (or the tunnel closed). Immutable once built; live
 * state sits on the registry's Hosts, so a rebuilt handler continues where this one left off.
 */
export class ReverseProxyHandler implements Handler {
  readonly name = 'reverse_proxy';

  constructor(
    readonly plan: ProxyPlan,
    private readonly checker: ActiveHealthChecker | undefined,
  ) {}

  handle(ctx: RequestContext, _next: Next): Promise<void> {
    const done = new Promise<void>(capture);
    const settle = captured!;
    captured = undefined;
    if (ctx.res !== undefined) new ProxyCall(this.plan, ctx, settle).run();
    else new UpgradeCall(this.plan, ctx, settle).run();
    return done;
  }

  /**
   * Stop active checks and release the pools: a pool no other handler uses is closed once
   * its in-flight requests finish. Requests of this handler still waiting to retry give up.
   */
  dispose(): void {
    if (this.plan.disposed) return;
    this.plan.disposed = true;
    this.checker?.stop();
    for (const m of members(this.plan)) m.lease.release();
  }
}

/**
 * Build a reverse_proxy handler. Throws `SwitchyardError` PRX_ERR_CONFIG (with the JSON
 * pointer of the bad value under `path`) for what the schema cannot judge; on success the
 * active health checker (if configured) is already probing.
 */
export function createReverseProxy(cfg: ReverseProxyConfig, services: BuildServices, path: string): Handler {
  const plan = compilePlan(cfg, services, path);
  const active = cfg.health_checks?.active;
  const checker = active ? startActiveHealth(active, members(plan).map((m) => m.host)) : undefined;
  return new ReverseProxyHandler(plan, checker);
}
