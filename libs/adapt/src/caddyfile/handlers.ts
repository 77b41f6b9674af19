import { applyHeaderOp, type RespHeaderOps } from './headers';
import { extractMatcher, newRoute } from './routing';
import { argErr, lastToken, lineError, noBlock, unsupported, type Line } from './tree';
import type { ConfigValue, Ctx, Handler } from './types';
import { atoi } from './units';

/** Caddy's `WeakString` JSON: true/false as booleans, integers as numbers, else a string. */
function weakString(s: string): string | number | boolean {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s))) return Number(s);
  return s;
}

/** `respond [matcher] <status>|<body> [<status>] { close }` -> `static_response`. */
export function parseRespond(line: Line): Handler {
  const args = line.args.map((a) => a.text);
  if (args.length === 0 || args.length > 2) throw argErr(args.length === 0 ? line.name : line.args[2]);
  const h: Handler = { handler: 'static_response' };
  if (args.length === 1) {
    const a = args[0];
    if (a.length === 3 && /^[+-]?\d+$/.test(a) && Number(a) > 0) h.status_code = weakString(a);
    else h.body = a;
  } else {
    h.body = args[0];
    h.status_code = weakString(args[1]);
  }
  for (const sub of line.block ?? []) {
    if (sub.name.text !== 'close') throw lineError(sub.name, `unrecognized subdirective '${sub.name.text}'`);
    if (h.close === true) throw lineError(sub.name, 'close already specified');
    h.close = true;
  }
  return h;
}

/**
 * `header [matcher] [field [value [replacement]]] { ... }` -> up to two `headers` handlers:
 * the plain one and, when `?Field` defaults are used, a second one with `require`.
 */
export function parseHeader(line: Line, ctx: Ctx): ConfigValue[] {
  const { set, line: rest } = extractMatcher(line, ctx);
  const main: RespHeaderOps = {};
  const withRequire: RespHeaderOps = {};
  const hasArgs = rest.args.length > 0;
  if (hasArgs) {
    if (rest.args.length > 3) throw argErr(rest.args[3]);
    const [field, value, replacement] = rest.args.map((a) => a.text);
    try {
      applyHeaderOp(main, main, field, value ?? '', replacement ?? '');
    } catch (e) {
      throw lineError(rest.args[0], (e as Error).message);
    }
    if ((main.delete?.length ?? 0) > 0) main.deferred = true;
  }
  for (const sub of rest.block ?? []) {
    if (sub.name.text === 'defer') {
      main.deferred = true;
      continue;
    }
    if (hasArgs) throw lineError(sub.name, 'cannot specify headers in both arguments and block');
    noBlock(sub);
    if (sub.args.length > 2) throw argErr(sub.args[2]);
    const field = sub.name.text.replace(/:$/, '');
    const [value, replacement] = sub.args.map((a) => a.text);
    const target = field.startsWith('?') ? withRequire : main;
    try {
      applyHeaderOp(target, target, field, value ?? '', replacement ?? '');
    } catch (e) {
      throw lineError(sub.name, (e as Error).message);
    }
  }
  const out: ConfigValue[] = [];
  for (const ops of [main, withRequire]) {
    if (Object.keys(ops).length > 0) out.push(newRoute('header', set, { handler: 'headers', response: ops }));
  }
  return out;
}

const ENCODERS = new Set(['gzip', 'zstd']);

/** `encode [matcher] [gzip|zstd...] { gzip [level]; zstd; minimum_length N }` -> `encode`. */
export function parseEncode(line: Line): Handler {
  const h: Handler = { handler: 'encode' };
  const encodings: Record<string, Record<string, unknown>> = {};
  const prefer: string[] = [];
  let any = false;
  for (const a of line.args) {
    if (!ENCODERS.has(a.text)) throw unsupported(a, 'encoder');
    encodings[a.text] = {};
    prefer.push(a.text);
    any = true;
  }
  for (const sub of line.block ?? []) {
    const name = sub.name.text;
    noBlock(sub);
    if (name === 'minimum_length') {
      if (sub.args.length !== 1) throw argErr(lastToken(sub));
      h.minimum_length = toInt(sub.args[0].text, sub);
    } else if (name === 'gzip') {
      if (sub.args.length > 1) throw argErr(sub.args[1]);
      const level = sub.args.length === 1 ? toInt(sub.args[0].text, sub) : 0;
      encodings.gzip = level !== 0 ? { level } : {};
      prefer.push(name);
      any = true;
    } else if (name === 'zstd') {
      if (sub.args.length > 0) throw argErr(sub.args[0]);
      encodings.zstd = {};
      prefer.push(name);
      any = true;
    } else {
      throw unsupported(sub.name, 'encode subdirective');
    }
  }
  if (any) {
    h.encodings = encodings;
    h.prefer = prefer;
  }
  return h;
}

function toInt(s: string, line: Line): number {
  try {
    return atoi(s);
  } catch (e) {
    throw lineError(line.name, (e as Error).message);
  }
}
