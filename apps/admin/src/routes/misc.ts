import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { goJSON } from '../errors';
import type { Json } from '../config/tree';
import { project } from '../store';
import type { ConfigPublisher, UpstreamStatus } from '../hub/types';
import type { ConfigService } from '../service';
import { redirectToConfig } from './config';
import { S } from './schemas';

/** Paths whose other methods get Caddy's `method not allowed` (405) instead of 404. */
const EXACT_ROUTES = [
  /^\/load$/, /^\/adapt$/, /^\/stop$/, /^\/reverse_proxy\/upstreams$/, /^\/openapi\.json$/, /^\/revisions$/, /^\/revisions\/[^/]+$/,
  /^\/revisions\/[^/]+\/(diff|rollback)$/, /^\/reverse_proxy\/upstreams\/[^/]+\/drain$/, /^\/pools$/, /^\/pools\/[^/]+$/,
  /^\/pools\/[^/]+\/upstreams\/[^/]+$/, /^\/events$/, /^\/proxies$/, /^\/metrics$/,
];

/**
 * `POST /stop` (200, then `onStop` once the response is flushed), `GET /reverse_proxy/upstreams`
 * (Caddy's three fields; live counters when the publisher has them), `GET /openapi.json`, and
 * the not-found handler that keeps Go's answers: 301 for `/config`, 405 for a known path with
 * the wrong method, else `404 page not found` as text/plain.
 */
export function miscRoutes(app: FastifyInstance, service: ConfigService, publisher: ConfigPublisher, onStop: () => void): void {
  app.route({
    method: 'POST',
    url: '/stop',
    schema: { ...S.stop, tags: ['process'] },
    handler: (_req, reply) => {
      reply.raw.once('finish', () => setImmediate(onStop));
      return reply.code(200).send();
    },
  });
  app.route({
    method: 'GET',
    url: '/reverse_proxy/upstreams',
    schema: { ...S.upstreams, tags: ['upstreams'] },
    handler: async (_req, reply) => {
      const list = publisher.upstreams ? await publisher.upstreams() : configuredUpstreams(service.current().doc);
      return reply.code(200).type('application/json').send(goJSON(list) + '\n');
    },
  });
  app.route({
    method: 'GET',
    url: '/openapi.json',
    schema: { ...S.openapi, tags: ['meta'] },
    handler: (_req, reply) => reply.code(200).type('application/json').send(JSON.stringify(app.swagger(), null, 2) + '\n'),
  });

  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path === '/config') return redirectToConfig(req, reply);
    if (path === '/id') return reply.code(400).type('application/json').send(goJSON({ error: 'request path is missing object ID', code: 'ADM_ERR_MISSING_ID' }) + '\n');
    if (path.startsWith('/config/') || path.startsWith('/id/')) return methodNotAllowed(reply, `method ${req.method} not allowed`);
    if (EXACT_ROUTES.some((re) => re.test(path))) return methodNotAllowed(reply, 'method not allowed');
    return reply.code(404).header('X-Content-Type-Options', 'nosniff').type('text/plain; charset=utf-8').send('404 page not found\n');
  });
}

function methodNotAllowed(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(405).type('application/json').send(goJSON({ error: message, code: 'ADM_ERR_METHOD_NOT_ALLOWED' }) + '\n');
}

/** Every distinct dial of the config in config order, with zero counters (no proxy nodes). */
export function configuredUpstreams(doc: Json | null): UpstreamStatus[] {
  const seen = new Set<string>();
  const out: UpstreamStatus[] = [];
  for (const u of project(doc).upstreams) {
    if (seen.has(u.address)) continue;
    seen.add(u.address);
    out.push({ address: u.address, num_requests: 0, fails: 0 });
  }
  return out;
}
