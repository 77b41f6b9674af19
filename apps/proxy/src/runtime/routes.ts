import type { RouteConfig } from '@switchyard/shared';
import type { BuildServices, Handler, Next, RequestContext } from '../handlers/types';
import { respond } from '../handlers/respond';
import { compileMatch, type Matcher } from './match';

/** Builds one handler from its config; `path` is its JSON pointer for error messages. */
export type HandlerFactory = (cfg: { handler: string }, services: BuildServices, path: string, buildRoutes: RoutesFactory) => Handler;
export type RoutesFactory = (routes: readonly RouteConfig[] | undefined, path: string) => RouteList;

interface CompiledRoute {
  readonly match: Matcher | undefined;
  readonly handlers: readonly Handler[];
  readonly terminal: boolean;
}

/** Caddy's answer when no handler writes a response: 200 with an empty body. */
export const END: Next = async (ctx) => {
  respond(ctx, 200, { server: 'Switchyard' });
};

/**
 * A compiled, immutable route list with Caddy's semantics: routes are tried in order; each
 * matching route runs its handlers in order; after a matching route's last handler the chain
 * continues with the next matching route unless the route is `terminal`.
 */
export class RouteList {
  private readonly routes: readonly CompiledRoute[];
  /** For the top-level chain (whose outer next is END) the continuations are precomputed. */
  private readonly topNext: Next[];

  constructor(routes: readonly CompiledRoute[]) {
    this.routes = routes;
    this.topNext = routes.map((_, i) => (ctx: RequestContext) => this.run(ctx, i + 1, END));
  }

  get handlers(): Handler[] {
    return this.routes.flatMap((r) => r.handlers);
  }

  /** Serve a request through the routes from index `i`, then `next`. */
  run(ctx: RequestContext, i: number, next: Next): Promise<void> {
    const routes = this.routes;
    for (; i < routes.length; i++) {
      const r = routes[i]!;
      if (r.match === undefined || r.match(ctx)) break;
    }
    if (i === routes.length) return next(ctx);
    const r = routes[i]!;
    const after: Next = r.terminal ? END : next === END ? this.topNext[i]! : (c) => this.run(c, i + 1, next);
    return runHandlers(r.handlers, 0, ctx, after);
  }
}

function runHandlers(handlers: readonly Handler[], j: number, ctx: RequestContext, after: Next): Promise<void> {
  if (j === handlers.length) return after(ctx);
  const h = handlers[j]!;
  if (j === handlers.length - 1) return h.handle(ctx, after);
  return h.handle(ctx, (c) => runHandlers(handlers, j + 1, c, after));
}

/** Compile a route list, building every handler through `factory`. Throws with the path of a bad value. */
export function compileRoutes(routes: readonly RouteConfig[] | undefined, path: string, services: BuildServices, factory: HandlerFactory): RouteList {
  const build: RoutesFactory = (rs, p) => compileRoutes(rs, p, services, factory);
  const compiled = (routes ?? []).map((r, i): CompiledRoute => ({
    match: compileMatch(r.match),
    handlers: (r.handle ?? []).map((h, j) => factory(h, services, `${path}/${i}/handle/${j}`, build)),
    terminal: r.terminal === true,
  }));
  return new RouteList(compiled);
}
