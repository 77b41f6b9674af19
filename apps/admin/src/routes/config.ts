import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readAt, mutateAt, type Method } from '../config/tree';
import { expandIdPath } from '../config/ids';
import { encodeValue, etagFor } from '../config/etag';
import { decodeJsonBody } from '../config/json-body';
import { requireJsonContentType } from '../http/media-type';
import { changeHeaders, decodedPath, sendChange } from '../http/reply';
import type { ConfigService } from '../service';
import { adminError } from '../errors';
import { S } from './schemas';

type Scope = 'config' | 'id';

/**
 * `/config/[path]` and `/id/<id>[/path]`: Caddy's config API on the stored document. GET
 * returns the value with an `ETag` header; POST, PUT, PATCH and DELETE change it (Content-Type
 * must contain `/json`), each accepted change becoming a revision. Other methods (HEAD,
 * OPTIONS, ...) are answered 405 by the not-found handler; `/config` redirects to `/config/`.
 */
export function configRoutes(app: FastifyInstance, service: ConfigService): void {
  for (const scope of ['config', 'id'] as const) {
    const url = `/${scope}/*`;
    const tags = ['config'];
    app.route({ method: 'GET', url, schema: { ...S.configGet(scope), tags }, handler: (req, reply) => read(service, scope, req, reply) });
    app.route({ method: ['POST', 'PUT', 'PATCH'], url, schema: { ...S.configWrite(scope), tags }, handler: (req, reply) => write(service, scope, req, reply) });
    app.route({ method: 'DELETE', url, schema: { ...S.configDelete(scope), tags }, handler: (req, reply) => write(service, scope, req, reply) });
  }
  app.route({ method: 'GET', url: '/config', schema: { ...S.redirect, tags: ['config'] }, handler: (req, reply) => redirectToConfig(req, reply) });
  app.route({
    method: 'GET',
    url: '/id',
    schema: { ...S.missingId, tags: ['config'] },
    handler: () => {
      throw adminError('ADM_ERR_MISSING_ID', 'request path is missing object ID');
    },
  });
}

/** The `/config/...` path a request addresses: itself, or its `/id/` expansion. */
function targetPath(service: ConfigService, scope: Scope, req: FastifyRequest): string {
  const path = decodedPath(req);
  return scope === 'id' ? expandIdPath(path, service.current().ids) : path;
}

function read(service: ConfigService, scope: Scope, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = targetPath(service, scope, req);
  const state = service.current();
  const body = encodeValue(readAt(state.doc, path));
  return reply
    .code(200)
    .header('ETag', etagFor(path, body))
    .header('Switchyard-Revision', String(state.revision))
    .type('application/json')
    .send(body);
}

function write(service: ConfigService, scope: Scope, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // Same order as Caddy: id lookup, Content-Type, then (inside the change) If-Match, body decoding, mutation.
  const path = targetPath(service, scope, req);
  const method = req.method as Exclude<Method, 'GET'>;
  if (method !== 'DELETE') requireJsonContentType(req.headers['content-type']);
  const body = req.body as Buffer | undefined;
  const result = service.change({
    ...changeHeaders(req),
    errorPrefix: 'loading new config: ',
    apply: (state) => mutateAt(state.doc, method, path, method === 'DELETE' ? undefined : decodeJsonBody(body)),
  });
  return sendChange(reply, result);
}

/** Go's ServeMux answer for a subtree root without its slash, query string kept. */
export function redirectToConfig(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = req.url.indexOf('?');
  const location = '/config/' + (q < 0 ? '' : req.url.slice(q));
  reply.code(301).header('Location', location);
  if (req.method !== 'GET') return reply.send();
  return reply.type('text/html; charset=utf-8').send(`<a href="${location.replace(/&/g, '&amp;')}">Moved Permanently</a>.\n\n`);
}
