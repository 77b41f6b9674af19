import { inList } from '../../runtime/match';
import { Exchange } from '../../forward/exchange';
import { CLIENT_CLOSED, NO_UPSTREAM, type ProxyFailure } from '../../forward/errors';
import type { PlaceholderScope } from '../../forward/placeholders';
import type { SelectionRequest } from '../../selection';
import type { RequestContext } from '../types';
import { requestCookie, requestHeader } from './request-facts';
import type { Member } from './member';
import type { ProxyPlan } from './plan';
import { mayRetry, pick, unhealthyResponse } from './retry';

/**
 * One proxied HTTP request: selection, attempts, retries, passive health and per-host
 * counters on top of `Exchange`'s transport. It is also the `SelectionRequest` and the
 * `PlaceholderScope` of its request, so a request allocates this object, its header array
 * and undici's own state, nothing else on the common path.
 */
export class ProxyCall extends Exchange implements SelectionRequest, PlaceholderScope {
  private member: Member | null = null;
  private setCookie: string | undefined = undefined;
  private retriesDone = 0;
  private lastFailure: ProxyFailure | null = null;
  private tried: Member[] | null = null;
  private searchParams: URLSearchParams | null = null;
  // PlaceholderScope (response side)
  responseStatus = 0;
  responseHeaderList: readonly string[] | undefined = undefined;

  constructor(
    private readonly plan: ProxyPlan,
    ctx: RequestContext,
    settle: () => void,
  ) {
    super(ctx, settle);
    addForwarded(this.baseHeaders, ctx, this, plan);
    const rules = plan.requestRules;
    if (rules !== undefined && !rules.perUpstream) rules.apply(this.baseHeaders, this);
  }

  /** Make the next attempt (or answer when there is nothing to try). */
  run(): void {
    if (this.over) return;
    if (this.clientGone) {
      this.fail(CLIENT_CLOSED);
      return;
    }
    const picked = pick(this.plan, this, this.tried);
    if (picked === null) {
      this.giveUpOrRetry(this.lastFailure ?? NO_UPSTREAM, NO_UPSTREAM);
      return;
    }
    const m = picked.candidate;
    this.member = m;
    this.setCookie = picked.setCookie;
    const host = m.host;
    host.inFlight++;
    host.requests++;
    host.aborts.add(this);
    this.ctx.upstream = m.address;
    let headers = this.baseHeaders;
    const rules = this.plan.requestRules;
    if (rules !== undefined && rules.perUpstream) {
      headers = headers.slice();
      rules.apply(headers, this);
    }
    this.send(m.lease, headers);
  }

  protected attemptEnded(): void {
    const host = this.member!.host;
    host.inFlight--;
    host.aborts.delete(this);
  }

  /** Cut this request (a drain's `on_timeout: close`): the client connection is closed, no retry. */
  cut(): void {
    this.res.destroy();
  }

  protected attemptFailed(f: ProxyFailure): void {
    const m = this.member!;
    if (f.upstreamFault) m.host.recordFailure(this.plan.failDurationMs, this.plan.maxFails);
    (this.tried ??= []).push(m);
    this.lastFailure = f;
    this.giveUpOrRetry(f, f);
  }

  protected lateFailure(f: ProxyFailure): void {
    if (f.upstreamFault) this.member!.host.recordFailure(this.plan.failDurationMs, this.plan.maxFails);
  }

  protected upstreamHead(status: number, headers: string[], ms: number): string[] {
    const plan = this.plan;
    const host = this.member!.host;
    host.observeLatency(ms);
    if (unhealthyResponse(plan, status, ms)) host.recordFailure(plan.failDurationMs, plan.maxFails);
    const rules = plan.responseRules;
    if (rules !== undefined) {
      this.responseStatus = status;
      this.responseHeaderList = headers;
      if (rules.applies(status, headers)) rules.apply(headers, this);
    }
    if (this.setCookie !== undefined) headers.push('Set-Cookie', this.setCookie);
    return headers;
  }

  /** `cause` decides whether to retry; `answer` is what the client gets if not (Caddy keeps the last real error). */
  private giveUpOrRetry(answer: ProxyFailure, cause: ProxyFailure): void {
    if (!mayRetry(this.plan, cause, this.ctx, this.retriesDone, this.bodyIntact)) {
      this.fail(answer);
      return;
    }
    this.retriesDone++;
    if (this.plan.tryIntervalMs > 0) setTimeout(retryLater, this.plan.tryIntervalMs, this);
    else this.run();
  }

  // --- SelectionRequest ---
  get clientIp(): string {
    return this.ctx.clientIp;
  }
  get remoteIp(): string {
    return this.ctx.remoteIp;
  }
  get uri(): string {
    return this.opts.path;
  }
  header(name: string): string | undefined {
    return requestHeader(this.ctx, this.host, name);
  }
  query(name: string): string | undefined {
    return (this.searchParams ??= new URLSearchParams(this.ctx.query)).get(name) ?? undefined;
  }
  cookie(name: string): string | undefined {
    return requestCookie(this.ctx, name);
  }

  // --- PlaceholderScope ---
  get upstreamAddress(): string {
    return this.member?.address ?? '';
  }
  get upstreamRequests(): number {
    return this.member?.host.requests ?? 0;
  }
  get upstreamFails(): number {
    return this.member?.host.fails ?? 0;
  }
}

function retryLater(call: ProxyCall): void {
  call.run();
}

/**
 * X-Forwarded-For / -Proto / -Host as Caddy sets them: prior values are kept (For: appended
 * to) only when the peer is trusted, by the handler's trusted_proxies or by the server's
 * (then `clientIp` differs from the socket address); otherwise they are replaced.
 */
export function addForwarded(headers: string[], ctx: RequestContext, facts: { host: string; xff?: string; xfp?: string; xfh?: string }, plan: ProxyPlan): void {
  const ip = unmapIPv4(ctx.remoteIp);
  const prior = facts.xff !== undefined || facts.xfp !== undefined || facts.xfh !== undefined;
  const trusted = prior && (ctx.clientIp !== ctx.remoteIp || (plan.trusted !== undefined && inList(plan.trusted, ctx.remoteIp)));
  headers.push('X-Forwarded-For', trusted && facts.xff !== undefined ? `${facts.xff}, ${ip}` : ip);
  headers.push('X-Forwarded-Proto', trusted && facts.xfp !== undefined ? facts.xfp : ctx.scheme);
  const xfh = trusted && facts.xfh !== undefined ? facts.xfh : facts.host;
  if (xfh !== '') headers.push('X-Forwarded-Host', xfh);
}

/** "::ffff:1.2.3.4" (a v4 client on a dual-stack socket) is written as "1.2.3.4", as Go does. */
function unmapIPv4(ip: string): string {
  return ip.startsWith('::ffff:') && ip.indexOf('.') > 0 ? ip.slice(7) : ip;
}
