import type { HandlerConfig } from '@switchyard/shared';
import type { RoutesFactory } from '../../runtime/routes';
import type { BuildServices, Handler, Next } from '../types';
import { respond } from '../respond';

type SubrouteConfig = Extract<HandlerConfig, { handler: 'subroute' }>;

/**
 * Caddy's `subroute`: its routes are evaluated like a server's, and when none of them ends the
 * request (no terminal route, no answering handler) the chain continues with the handler after
 * the subroute. `errors.routes` run when the nested chain throws before a response head was
 * written (Caddy's handler errors), ending with the error's status (500 by default) when they
 * answer nothing; otherwise the error propagates. Nested handlers are
 * disposed with the subroute.
 */
export function createSubroute(raw: { handler: string }, _services: BuildServices, path: string, buildRoutes: RoutesFactory): Handler {
  const cfg = raw as SubrouteConfig;
  const routes = buildRoutes(cfg.routes, `${path}/routes`);
  const errors = cfg.errors?.routes?.length ? buildRoutes(cfg.errors.routes, `${path}/errors/routes`) : undefined;
  const nested = [...routes.handlers, ...(errors?.handlers ?? [])];
  return {
    name: 'subroute',
    handle(ctx, next) {
      if (!errors) return routes.run(ctx, 0, next);
      return routes.run(ctx, 0, next).catch((err: unknown) => {
        if (ctx.res?.headersSent !== false) throw err;
        // as Caddy's errorEmptyHandler: error routes that answer nothing leave the error's status
        const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
        const end: Next = async (c) => respond(c, status, {});
        return errors.run(ctx, 0, end);
      });
    },
    dispose() {
      for (const h of nested) h.dispose?.();
    },
  };
}
