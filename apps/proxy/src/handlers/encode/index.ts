import zlib from 'node:zlib';
import { pipeline, type Transform } from 'node:stream';
import type { OutgoingHttpHeaders } from 'node:http';
import { SwitchyardError, type HandlerConfig } from '@switchyard/shared';
import type { BuildServices, Handler, RequestContext, ResponseHookResult } from '../types';
import { compileResponseMatch, type ResponseMatcher } from '../headers/match';
import { negotiate, noTransform, varies } from './negotiate';

export { acceptedEncodings, negotiate } from './negotiate';

type EncodeConfig = Extract<HandlerConfig, { handler: 'encode' }>;

/** Caddy 2.6.2's default type list (measured against caddy 2.6.2; later Caddy lists more). */
export const DEFAULT_ENCODE_TYPES = [
  'text/*',
  'application/json*',
  'application/javascript*',
  'application/xhtml+xml*',
  'application/atom+xml*',
  'application/rss+xml*',
  'image/svg+xml*',
] as const;
/** Caddy's default minimum_length; a response is encoded only when longer than this. */
export const DEFAULT_MIN_LENGTH = 512;
/** Caddy's default gzip level. */
const GZIP_LEVEL = 5;

type Factory = (flushEachWrite: boolean) => Transform;

/** Whether this Node.js has zstd in node:zlib (22.15 / 23.8 and later). */
export const ZSTD_AVAILABLE = typeof (zlib as unknown as Record<string, unknown>)['createZstdCompress'] === 'function';

/**
 * Caddy's `encode` handler as a response hook. At request time it negotiates one coding from
 * Accept-Encoding (q-values, then `prefer`); when the head is written it encodes only if the
 * response has no Content-Encoding, is not `no-transform`, matches `match` (default: Caddy 2.6's
 * text types), and is not known (Content-Length) to be at most `minimum_length` bytes. Encoding
 * drops Content-Length and Accept-Ranges, adds `Vary: Accept-Encoding` and weakens a strong ETag
 * (the encoded bytes are another representation). HEAD, 1xx, 204 and 304 pass through (304
 * gets the Vary). Unlike Caddy, which looks at the first body write, a response of unknown
 * length is encoded without waiting for its first bytes, and one without Content-Type is not
 * (Caddy would sniff it). zstd is offered only when node:zlib has it; a config whose only coding
 * is an unavailable zstd is rejected at build time.
 */
export function createEncode(raw: { handler: string }, _services: BuildServices, path: string): Handler {
  const given = raw as EncodeConfig;
  // A bare `encode` (no encodings, as the Caddyfile adapts `encode` without arguments) means
  // Caddy's defaults: gzip, and zstd where node:zlib has it.
  const cfg = { ...given, encodings: given.encodings ?? { gzip: {}, zstd: {} } };
  const encoders = new Map<string, Factory>();
  if (cfg.encodings.gzip) {
    const level = cfg.encodings.gzip.level ?? GZIP_LEVEL;
    encoders.set('gzip', (flush) => zlib.createGzip({ level, flush: flush ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.Z_NO_FLUSH }));
  }
  if (cfg.encodings.zstd) {
    if (ZSTD_AVAILABLE) {
      const z = zlib as unknown as Record<string, (opts?: object) => Transform>;
      const flushConst = (zlib.constants as unknown as Record<string, number>)['ZSTD_e_flush'];
      encoders.set('zstd', (flush) => z['createZstdCompress']!(flush && flushConst !== undefined ? { flush: flushConst } : {}));
    } else if (!cfg.encodings.gzip) {
      throw new SwitchyardError('PRX_ERR_CONFIG', 400, `${path}/encodings/zstd: zstd is not available in Node.js ${process.versions.node} (node:zlib has it from 22.15); add gzip or remove zstd`, `${path}/encodings/zstd`);
    }
  }
  const prefer = cfg.prefer ?? [];
  prefer.forEach((name, i) => {
    if (!(name in cfg.encodings)) throw new SwitchyardError('PRX_ERR_CONFIG', 400, `${path}/prefer/${i}: encoding ${name} is not enabled in encodings`, `${path}/prefer/${i}`);
    if (prefer.indexOf(name) !== i) throw new SwitchyardError('PRX_ERR_CONFIG', 400, `${path}/prefer/${i}: encoding ${name} is listed twice`, `${path}/prefer/${i}`);
  });
  const offered = new Set(encoders.keys());
  const minLength = cfg.minimum_length || DEFAULT_MIN_LENGTH;
  const match: ResponseMatcher = compileResponseMatch(cfg.match ?? { headers: { 'Content-Type': [...DEFAULT_ENCODE_TYPES] } });

  const onHead = (ctx: RequestContext, status: number, headers: OutgoingHttpHeaders, name: string): ResponseHookResult | void => {
    if (status === 304) {
      addVary(headers);
      return;
    }
    if (ctx.req.method === 'HEAD' || status < 200 || status === 204) return;
    if (headers['content-encoding'] !== undefined || noTransform(headers['cache-control'])) return;
    if (!match(status, headers)) return;
    const cl = headers['content-length'];
    if (cl !== undefined && Number(cl) <= minLength) return;
    delete headers['content-length'];
    delete headers['accept-ranges'];
    headers['content-encoding'] = name;
    addVary(headers);
    const etag = headers['etag'];
    if (typeof etag === 'string' && etag.startsWith('"')) headers['etag'] = `W/${etag}`;
    // event streams must reach the client event by event, so each write is flushed
    const flush = String(headers['content-type']).startsWith('text/event-stream');
    const make = encoders.get(name)!;
    return {
      wrap: (sink) => {
        const enc = make(flush);
        // pipeline destroys the encoder when the client goes away, so writers see the error
        pipeline(enc, sink, () => undefined);
        return enc;
      },
    };
  };

  return {
    name: 'encode',
    handle(ctx, next) {
      const h = ctx.req.headers;
      if (ctx.res && offered.size > 0 && h['sec-websocket-key'] === undefined && !noTransform(h['cache-control'])) {
        const name = negotiate(h['accept-encoding'], prefer, offered);
        if (name) ctx.responseHooks.push((c, status, headers) => onHead(c, status, headers, name));
      }
      return next(ctx);
    },
  };
}

function addVary(headers: OutgoingHttpHeaders): void {
  const v = headers['vary'];
  if (varies(v)) return;
  (headers as Record<string, unknown>)['vary'] = v === undefined ? 'Accept-Encoding' : Array.isArray(v) ? [...v, 'Accept-Encoding'] : [String(v), 'Accept-Encoding'];
}
