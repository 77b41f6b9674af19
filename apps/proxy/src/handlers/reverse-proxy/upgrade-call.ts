import { CLIENT_CLOSED, NO_UPSTREAM, type ProxyFailure } from '../../forward/errors';
import { requestHeaders, type RequestHeadFacts } from '../../forward/hop';
import type { PlaceholderScope } from '../../forward/placeholders';
import { tunnel, type UpgradeListener } from '../../forward/upgrade';
import type { SelectionRequest } from '../../selection';
import { respond } from '../respond';
import type { RequestContext } from '../types';
import { requestCookie, requestHeader } from './request-facts';
import { addForwarded } from './call';
import type { Member } from './member';
import type { ProxyPlan } from './plan';
import { mayRetry, pick, unhealthyResponse } from './retry';

/**
 * One Upgrade request (ctx.res undefined, ctx.socket set): the same selection, retry and
 * passive-health rules as HTTP, then a raw tunnel (forward/upgrade). The handler's promise
 * settles when the tunnel closes, so the access log and graceful shutdown see its lifetime,
 * as Caddy's handler returns only when the WebSocket ends.
 */
export class UpgradeCall implements SelectionRequest, PlaceholderScope, UpgradeListener, RequestHeadFacts {
  host = '';
  hasBody = false;
  xff: string | undefined = undefined;
  xfp: string | undefined = undefined;
  xfh: string | undefined = undefined;
  upgrade = '';
  responseStatus = 0;
  readonly responseHeaderList = undefined;
  private readonly headers: string[];
  private member: Member | null = null;
  private tried: Member[] | null = null;
  private lastFailure: ProxyFailure | null = null;
  private retriesDone = 0;
  private readonly target: string;

  constructor(
    private readonly plan: ProxyPlan,
    readonly ctx: RequestContext,
    private readonly settle: () => void,
  ) {
    this.headers = requestHeaders(ctx.req.rawHeaders, this);
    if (this.upgrade === '') this.upgrade = String(ctx.req.headers.upgrade ?? 'websocket');
    this.target = ctx.query ? `${ctx.path}?${ctx.query}` : ctx.path;
    addForwarded(this.headers, ctx, this, plan);
  }

  run(): void {
    if (this.ctx.socket!.destroyed) {
      this.answer(CLIENT_CLOSED);
      return;
    }
    const picked = pick(this.plan, this, this.tried);
    if (picked === null) {
      this.retryOr(this.lastFailure ?? NO_UPSTREAM, NO_UPSTREAM);
      return;
    }
    const m = picked.candidate;
    this.member = m;
    m.host.requests++;
    this.ctx.upstream = m.address;
    let headers = this.headers;
    const rules = this.plan.requestRules;
    if (rules !== undefined) {
      headers = headers.slice();
      rules.apply(headers, this);
    }
    tunnel(this.ctx, m.host, this.target, this.upgrade, headers, this.plan.transport, this);
  }

  failed(f: ProxyFailure): void {
    if (f === CLIENT_CLOSED) {
      this.answer(f);
      return;
    }
    const m = this.member!;
    if (f.upstreamFault) m.host.recordFailure(this.plan.failDurationMs, this.plan.maxFails);
    (this.tried ??= []).push(m);
    this.lastFailure = f;
    this.retryOr(f, f);
  }

  answered(status: number, ms: number): void {
    const host = this.member!.host;
    host.observeLatency(ms);
    if (status !== 101 && unhealthyResponse(this.plan, status, ms)) host.recordFailure(this.plan.failDurationMs, this.plan.maxFails);
    this.ctx.status = status;
  }

  closed(): void {
    this.settle();
  }

  private retryOr(answer: ProxyFailure, cause: ProxyFailure): void {
    if (!mayRetry(this.plan, cause, this.ctx, this.retriesDone, true)) {
      this.answer(answer);
      return;
    }
    this.retriesDone++;
    if (this.plan.tryIntervalMs > 0) setTimeout(() => this.run(), this.plan.tryIntervalMs);
    else this.run();
  }

  private answer(f: ProxyFailure): void {
    if (f === CLIENT_CLOSED || this.ctx.socket!.destroyed) this.ctx.status = CLIENT_CLOSED.status;
    else respond(this.ctx, f.status, {});
    this.settle();
  }

  // --- SelectionRequest ---
  get clientIp(): string {
    return this.ctx.clientIp;
  }
  get remoteIp(): string {
    return this.ctx.remoteIp;
  }
  get uri(): string {
    return this.target;
  }
  header(name: string): string | undefined {
    return requestHeader(this.ctx, this.host, name);
  }
  query(name: string): string | undefined {
    return new URLSearchParams(this.ctx.query).get(name) ?? undefined;
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
