import { SwitchyardError, type HandlerConfig } from '@switchyard/shared';
import type { HandlerFactory } from '../runtime/routes';
import { createReverseProxy } from './reverse-proxy';

export * from './types';
export { respond, writeHead } from './respond';

/**
 * The one place that maps a handler's JSON name to its implementation. The schema already
 * rejects unknown names; a name that reaches here unimplemented is a bug, reported with its path.
 */
export const buildHandler: HandlerFactory = (raw, services, path, buildRoutes) => {
  const cfg = raw as HandlerConfig;
  switch (cfg.handler) {
    case 'reverse_proxy':
      return createReverseProxy(cfg, services, path);
    default:
      void buildRoutes;
      throw new SwitchyardError('PRX_ERR_CONFIG', 400, `handler ${JSON.stringify(cfg.handler)} is not implemented by this worker`, `${path}/handler`);
  }
};
