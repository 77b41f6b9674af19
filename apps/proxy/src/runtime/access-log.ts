import fs from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { SwitchyardConfig, ServerConfig } from '@switchyard/shared';
import type { RequestContext } from '../handlers/types';

/** Writes one access-log line for a finished request. */
export type AccessLogger = (ctx: RequestContext) => void;

type Writer = { write(line: string): void };
const writers = new Map<string, Writer>();

/** Writers are shared across config swaps, so a swap never reopens (or truncates) a log file. */
function writerFor(output: string, filename?: string): Writer {
  const key = `${output}:${filename ?? ''}`;
  let w = writers.get(key);
  if (!w) {
    if (output === 'stdout') w = { write: (l) => process.stdout.write(l) };
    else if (output === 'stderr') w = { write: (l) => process.stderr.write(l) };
    else if (output === 'discard') w = { write: () => undefined };
    else {
      const s = fs.createWriteStream(filename!, { flags: 'a' });
      s.on('error', (e) => process.stderr.write(`access log ${filename}: ${e.message}\n`));
      w = { write: (l) => s.write(l) };
    }
    writers.set(key, w);
  }
  return w;
}

/**
 * The access logger of one server, as Caddy's server `logs` + the `logging` app subset: enabled
 * by the server's `logs` object; the logger is `http.log.access[.NAME]` (NAME from
 * `logger_names[host]` or `default_logger_name`); its writer is the first `logging.logs` entry
 * whose `include` names that logger (or a prefix of it), else the `default` log, else stderr
 * as in Caddy. Lines are JSON with Caddy's field names plus `upstream` and `bytes_read`.
 */
export function buildAccessLogger(config: SwitchyardConfig, srv: ServerConfig): AccessLogger | undefined {
  const logs = srv.logs;
  if (!logs) return undefined;
  const skip = new Set((logs.skip_hosts ?? []).map((h) => h.toLowerCase()));
  const byName = new Map<string, Writer | undefined>();
  const resolve = (logger: string): Writer | undefined => {
    if (byName.has(logger)) return byName.get(logger);
    let chosen: Writer | undefined;
    const entries = Object.entries(config.logging?.logs ?? {});
    const match = entries.find(([, l]) => (l.include ?? []).some((inc) => logger === inc || logger.startsWith(inc + '.')))
      ?? entries.find(([name, l]) => name === 'default' && !(l.exclude ?? []).some((ex) => logger === ex || logger.startsWith(ex + '.')));
    if (match) {
      const w = match[1].writer;
      chosen = writerFor(w?.output ?? 'stderr', w?.filename);
    } else chosen = writerFor('stderr');
    byName.set(logger, chosen);
    return chosen;
  };
  return (ctx) => {
    if (skip.has(ctx.host)) return;
    const name = logs.logger_names?.[ctx.host] ?? logs.default_logger_name;
    const logger = name ? `http.log.access.${name}` : 'http.log.access';
    const w = resolve(logger);
    if (!w) return;
    const req = ctx.req;
    const line = {
      level: ctx.status >= 500 ? 'error' : 'info',
      ts: Date.now() / 1000,
      logger,
      msg: 'handled request',
      request: {
        remote_ip: ctx.remoteIp,
        remote_port: String(ctx.remotePort),
        client_ip: ctx.clientIp,
        proto: `HTTP/${req.httpVersion}`,
        method: req.method,
        host: req.headers.host ?? '',
        uri: req.url,
        headers: canonicalHeaders(req.headers),
      },
      bytes_read: Number(req.headers['content-length'] ?? 0) || 0,
      user_id: '',
      duration: (performance.now() - ctx.start) / 1000,
      size: ctx.bytesOut,
      status: ctx.status,
      resp_headers: ctx.res ? canonicalHeaders(ctx.res.getHeaders()) : {},
      upstream: ctx.upstream ?? '',
    };
    w.write(JSON.stringify(line) + '\n');
  };
}

/** Go-style canonical header names with list values, as Caddy logs them. */
function canonicalHeaders(h: IncomingHttpHeaders | OutgoingHttpHeaders): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || k.startsWith(':')) continue;
    const name = k.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('-');
    out[name] = Array.isArray(v) ? v.map(String) : [String(v)];
  }
  return out;
}
