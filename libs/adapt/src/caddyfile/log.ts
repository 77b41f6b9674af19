import { argErr, lastToken, lineError, noBlock, unsupported, type Line } from './tree';
import { located, oneArg } from './transport';
import type { ConfigValue, Ctx } from './types';
import { atoi, parseBytes, parseGoDuration } from './units';

type Obj = Record<string, unknown>;

/**
 * Site `log { output ...; format json|console; level L }` -> an access logger. A bare `log`
 * names no logger (Caddy maps the site's hosts to the default logger); any configured one is
 * named `logN` in order of appearance and includes `http.log.access.logN`.
 */
export function parseLog(line: Line, ctx: Ctx): ConfigValue[] {
  if (line.args.length > 0) throw argErr(line.args[line.args.length - 1]);
  const cl: Obj = {};
  for (const sub of line.block ?? []) {
    switch (sub.name.text) {
      case 'output':
        cl.writer = parseWriter(sub);
        break;
      case 'format': {
        const f = sub.args[0];
        if (f === undefined) throw argErr(sub.name);
        if (f.text !== 'json' && f.text !== 'console') throw unsupported(f, 'log format');
        if (sub.args.length > 1) throw argErr(sub.args[1]);
        if (sub.block !== undefined) throw unsupported(sub.name, 'log format options block');
        cl.encoder = { format: f.text };
        break;
      }
      case 'level':
        cl.level = oneArg(sub);
        break;
      default:
        throw lineError(sub.name, `unrecognized subdirective: ${sub.name.text}`);
    }
  }
  if (Object.keys(cl).length === 0) return [{ cls: 'custom_log', directive: 'log', value: { name: '', log: null } }];
  const name = `log${ctx.logs.n++}`;
  cl.include = [`http.log.access.${name}`];
  return [{ cls: 'custom_log', directive: 'log', value: { name, log: cl } }];
}

function parseWriter(sub: Line): Obj {
  const kind = sub.args[0];
  if (kind === undefined) throw argErr(sub.name);
  if (kind.text === 'stdout' || kind.text === 'stderr' || kind.text === 'discard') {
    if (sub.args.length > 1) throw argErr(sub.args[1]);
    noBlock(sub);
    return { output: kind.text };
  }
  if (kind.text !== 'file') throw unsupported(kind, 'log output');
  if (sub.args.length !== 2) throw argErr(lastToken(sub));
  const w: Obj = { output: 'file', filename: sub.args[1].text };
  for (const r of sub.block ?? []) {
    switch (r.name.text) {
      case 'roll_disabled':
        if (r.args.length > 0) throw argErr(r.args[0]);
        w.roll = false;
        break;
      case 'roll_uncompressed':
        if (r.args.length > 0) throw argErr(r.args[0]);
        w.roll_gzip = false;
        break;
      case 'roll_local_time':
        if (r.args.length > 0) throw argErr(r.args[0]);
        w.roll_local_time = true;
        break;
      case 'roll_size': {
        const size = located(r, () => parseBytes(oneArg(r)));
        const mb = Math.ceil(size / (1024 * 1024));
        if (mb !== 0) w.roll_size_mb = mb;
        break;
      }
      case 'roll_keep': {
        const keep = located(r, () => atoi(oneArg(r)));
        if (keep !== 0) w.roll_keep = keep;
        break;
      }
      case 'roll_keep_for': {
        const ns = located(r, () => parseGoDuration(oneArg(r)));
        if (ns < 0) throw lineError(r.name, `negative roll_keep_for duration: ${r.args[0].text}`);
        const hours = Math.floor(ns / 3.6e12) + (ns % 3.6e12) / 3.6e12;
        const days = Math.ceil(hours / 24);
        if (days !== 0) w.roll_keep_days = days;
        break;
      }
      default:
        throw lineError(r.name, `unrecognized subdirective '${r.name.text}'`);
    }
  }
  return w;
}
