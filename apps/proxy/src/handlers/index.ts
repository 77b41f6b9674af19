import type { HandlerConfig } from '@switchyard/shared';
import type { HandlerFactory } from '../runtime/routes';
import { createReverseProxy } from './reverse-proxy';
import { createSubroute } from './subroute';
import { createRewrite } from './rewrite';
import { createHeaders } from './headers';
import { createEncode } from './encode';
import { createStaticResponse } from './static-response';
import { createRateLimit } from './rate-limit';

export * from './types';
export { respond, writeHead } from './respond';

/**
 * The one place that maps a handler's JSON name to its implementation. The schema rejects
 * unknown names before a config gets here; the switch is exhaustive over `HandlerConfig`.
 */
export const buildHandler: HandlerFactory = (raw, services, path, buildRoutes) => {
  const cfg = raw as HandlerConfig;
  switch (cfg.handler) {
    case 'reverse_proxy':
      return createReverseProxy(cfg, services, path);
    case 'subroute':
      return createSubroute(cfg, services, path, buildRoutes);
    case 'rewrite':
      return createRewrite(cfg, services, path);
    case 'headers':
      return createHeaders(cfg, services, path);
    case 'encode':
      return createEncode(cfg, services, path);
    case 'static_response':
      return createStaticResponse(cfg, services, path);
    case 'rate_limit':
      return createRateLimit(cfg, services, path);
  }
};
