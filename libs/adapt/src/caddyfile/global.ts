import { segmentToLine, argErr, lineError, unsupported, type Line } from './tree';
import { integer, duration } from './transport';
import type { Segment } from './parser';

/** The global options this adapter understands, already in their JSON shapes. */
export interface GlobalOptions {
  debug: boolean;
  autoHttps: 'on' | 'off' | 'disable_redirects' | 'disable_certs' | 'ignore_loaded_certs';
  admin?: Record<string, unknown>;
  httpPort?: number;
  httpsPort?: number;
  gracePeriod?: number;
}

const AUTO_HTTPS = new Set(['off', 'disable_redirects', 'disable_certs', 'ignore_loaded_certs']);

/** Parses the global options block (`debug`, `auto_https`, `admin`, `http_port`, `https_port`, `grace_period`). */
export function parseGlobalOptions(segments: Segment[]): GlobalOptions {
  const opts: GlobalOptions = { debug: false, autoHttps: 'on' };
  for (const seg of segments) {
    const line = segmentToLine(seg);
    switch (line.name.text) {
      case 'debug':
        if (line.args.length > 0) throw argErr(line.args[0]);
        opts.debug = true;
        break;
      case 'auto_https': {
        const v = line.args[0];
        if (v === undefined || line.args.length > 1) throw argErr(line.args[1] ?? line.name);
        if (!AUTO_HTTPS.has(v.text)) {
          throw lineError(v, "auto_https must be one of 'off', 'disable_redirects', 'disable_certs', or 'ignore_loaded_certs'");
        }
        opts.autoHttps = v.text as GlobalOptions['autoHttps'];
        break;
      }
      case 'admin':
        opts.admin = parseAdmin(line);
        break;
      case 'http_port':
        opts.httpPort = integer(line);
        break;
      case 'https_port':
        opts.httpsPort = integer(line);
        break;
      case 'grace_period':
        opts.gracePeriod = duration(line);
        break;
      default:
        throw unsupported(line.name, 'global option');
    }
  }
  return opts;
}

function parseAdmin(line: Line): Record<string, unknown> {
  const admin: Record<string, unknown> = {};
  if (line.args.length > 1) throw argErr(line.args[1]);
  const addr = line.args[0]?.text;
  if (addr === 'off') {
    if (line.block !== undefined) throw lineError(line.name, 'No more option is allowed after turning off admin config');
    return { disabled: true };
  }
  if (addr !== undefined) admin.listen = addr;
  for (const sub of line.block ?? []) {
    if (sub.name.text === 'enforce_origin') admin.enforce_origin = true;
    else if (sub.name.text === 'origins') admin.origins = [...((admin.origins as string[]) ?? []), ...sub.args.map((a) => a.text)];
    else throw lineError(sub.name, `unrecognized parameter '${sub.name.text}'`);
  }
  if (admin.listen === undefined) admin.listen = 'localhost:2019';
  return admin;
}
