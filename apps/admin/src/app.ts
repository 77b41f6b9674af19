import fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { configJsonSchemas } from '@switchyard/shared';
import type { ConfigStore } from './store';
import { ConfigService } from './service';
import type { ConfigPublisher } from './hub/types';
import { immediatePublisher } from './publisher';
import { checkAccess, enforceSecurity, type SecurityPolicy } from './http/security';
import { sendError } from './http/reply';
import { configRoutes } from './routes/config';
import { loadRoutes } from './routes/load';
import { revisionRoutes } from './routes/revisions';
import { miscRoutes } from './routes/misc';
import { ADMIN_SCHEMAS } from './routes/schemas';
import { DRAIN_SCHEMAS, registerDrains } from './drain';

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin's write path and current config. */
    configService: ConfigService;
  }
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

export interface BuildAppOptions {
  store: ConfigStore;
  publisher?: ConfigPublisher;
  /** Allowed Host values, read per request; omitted or returning null: no Host check. */
  hosts?: () => readonly string[] | null;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Request body limit in bytes (default 10 MiB); larger bodies get 413. */
  bodyLimit?: number;
  /** Called after the response to `POST /stop` has been sent. */
  onStop?: () => void;
}

/** The `openapi` block of the generated document (paths and components come from the routes). */
export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Switchyard admin API',
    version: '0.1.0',
    description: "Caddy-compatible config API (/config, /id, /load, /adapt, /stop, /reverse_proxy/upstreams) plus Switchyard's revision history.",
  },
  tags: [
    { name: 'config', description: 'Caddy-compatible config API' },
    { name: 'revisions', description: 'Stored history of the config' },
    { name: 'upstreams', description: 'Upstream status' },
    { name: 'drains', description: 'Drain upstreams and be told when they are empty' },
    { name: 'pools', description: 'Pools by id, upstreams by address' },
    { name: 'events', description: 'Server-Sent Events' },
    { name: 'process', description: 'Process control' },
    { name: 'meta', description: 'This document' },
  ],
};

/**
 * The admin HTTP app, not listening: tests inject into it, startAdmin listens. Bodies are read
 * raw (any Content-Type) and interpreted by the routes with Caddy's rules; route schemas only
 * document. Every request passes the Host/Origin/token checks first, even a 404.
 */
export function buildApp(opts: BuildAppOptions): FastifyInstance {
  const publisher = opts.publisher ?? immediatePublisher;
  const service = new ConfigService(opts.store, publisher);
  const app = fastify({
    logger: false,
    exposeHeadRoutes: false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { maxParamLength: 8192 },
  });
  app.decorate('configService', service);

  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, _req, reply) => sendError(reply, err));

  const policy: SecurityPolicy = {
    hosts: opts.hosts ?? (() => null),
    token: opts.token,
    configured: () => {
      const doc = service.current().doc as { admin?: { origins?: unknown; enforce_origin?: unknown } } | null;
      const origins = Array.isArray(doc?.admin?.origins) ? (doc.admin.origins.filter((o) => typeof o === 'string') as string[]) : [];
      return { origins, enforceOrigin: doc?.admin?.enforce_origin === true };
    },
  };
  app.addHook('onRequest', async (req, reply) => enforceSecurity(policy, req, reply));

  for (const s of Object.values(configJsonSchemas)) app.addSchema(s);
  for (const s of ADMIN_SCHEMAS) app.addSchema(s);
  for (const s of DRAIN_SCHEMAS) app.addSchema(s);
  app.register(swagger, {
    openapi: OPENAPI_INFO,
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // Fastify's wildcard `*` reads badly as a parameter name.
    transform: ({ schema, url }) => {
      if (!url.endsWith('/*')) return { schema, url };
      const s = schema as { params?: { properties?: Record<string, unknown> } };
      const props = s.params?.properties ?? {};
      const { '*': rest, ...others } = props;
      return { schema: { ...schema, params: { ...s.params, properties: { ...others, path: rest } } }, url: url.slice(0, -1) + '{path}' };
    },
  });
  // Routes go in a plugin registered after swagger, so its onRoute hook sees (and documents)
  // them, the publisher's own routes included.
  app.register(async (scoped) => {
    configRoutes(scoped, service);
    loadRoutes(scoped, service);
    revisionRoutes(scoped, service, opts.store);
    miscRoutes(scoped, service, publisher, opts.onStop ?? (() => undefined));
    registerDrains(scoped, service, opts.store, publisher);
    publisher.attach?.({ app: scoped, current: () => service.currentConfig(), checkAccess: (req) => void checkAccess(policy, req, false) });
  });
  return app;
}
