import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adapt, type Adapted } from '../adapters';
import { AdminError, goJSON } from '../errors';
import { decodeJsonBody } from '../config/json-body';
import type { Json } from '../config/tree';
import { bodyFormat } from '../http/media-type';
import { changeHeaders, sendChange } from '../http/reply';
import type { ConfigService } from '../service';
import { S } from './schemas';

/**
 * `POST /load` replaces the whole document (JSON, or any adapter named by the Content-Type,
 * i.e. `text/caddyfile`); `POST /adapt` only converts and returns `{"warnings"?, "result"}`.
 */
export function loadRoutes(app: FastifyInstance, service: ConfigService): void {
  app.route({ method: 'POST', url: '/load', schema: { ...S.load, tags: ['config'] }, handler: (req, reply) => load(service, req, reply) });
  app.route({ method: 'POST', url: '/adapt', schema: { ...S.adapt, tags: ['config'] }, handler: (req, reply) => adaptOnly(req, reply) });
}

function bodyText(req: FastifyRequest): string {
  const b = req.body as Buffer | undefined;
  return b ? b.toString('utf8') : '';
}

/** JSON is decoded later (inside the change, after If-Match, as Caddy orders it); adapters run first. */
function readDocument(req: FastifyRequest): { decode(): Json | null; adapter?: string; warnings: Adapted['warnings'] } {
  const format = bodyFormat(req.headers['content-type']);
  if (format.kind === 'json') {
    const body = req.body as Buffer | undefined;
    return { decode: () => decodeJsonBody(body, 'loading config: decoding request body: ') ?? null, warnings: [] };
  }
  const adapted = adapt(format.name, bodyText(req));
  return { decode: () => adapted.result, adapter: format.name, warnings: adapted.warnings };
}

async function load(service: ConfigService, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const doc = readDocument(req);
  const warnings = doc.warnings;
  const headers = changeHeaders(req);
  let result;
  try {
    result = service.change({
      ...headers,
      source: headers.source ?? doc.adapter ?? null,
      errorPrefix: 'loading config: loading new config: ',
      apply: () => doc.decode(),
    });
  } catch (e) {
    // Caddy answers 200 with the warnings and appends the error; we fail with both in one object.
    if (e instanceof AdminError && warnings.length) throw new AdminError(e.code, e.message, e.path, { ...e.extra, warnings });
    throw e;
  }
  const extra = warnings.length ? { warnings } : undefined;
  return sendChange(reply, result, warnings.length ? goJSON(warnings) + '\n' : undefined, extra);
}

function adaptOnly(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const format = bodyFormat(req.headers['content-type']);
  let out: { warnings?: readonly unknown[]; result: Json };
  if (format.kind === 'json') {
    out = { result: decodeJsonBody(req.body as Buffer | undefined) ?? null };
  } else {
    const adapted = adapt(format.name, bodyText(req));
    out = adapted.warnings.length ? { warnings: adapted.warnings, result: adapted.result } : { result: adapted.result };
  }
  return reply.code(200).type('application/json').send(goJSON(out) + '\n');
}
