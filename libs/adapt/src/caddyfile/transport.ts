import { argErr, lastToken, lineError, noBlock, unsupported, type Line } from './tree';
import { atoi, parseBytes, parseGoDuration } from './units';

/** Runs a parser on a subdirective's value and turns its failure into a located error. */
export function located<T>(line: Line, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw lineError(line.args[0] ?? line.name, (e as Error).message);
  }
}

/** The single argument of a subdirective (and no block), or an argument-count error. */
export function oneArg(line: Line): string {
  if (line.args.length !== 1) throw argErr(line.args.length > 1 ? line.args[1] : lastToken(line));
  noBlock(line);
  return line.args[0].text;
}

export const duration = (line: Line): number => {
  const v = oneArg(line);
  return located(line, () => parseGoDuration(v));
};
export const integer = (line: Line): number => {
  const v = oneArg(line);
  return located(line, () => atoi(v));
};
const bytes = (line: Line): number => {
  const v = oneArg(line);
  return located(line, () => parseBytes(v));
};

const DURATIONS: Record<string, string> = {
  dial_timeout: 'dial_timeout',
  dial_fallback_delay: 'dial_fallback_delay',
  response_header_timeout: 'response_header_timeout',
  expect_continue_timeout: 'expect_continue_timeout',
  read_timeout: 'read_timeout',
  write_timeout: 'write_timeout',
};

/**
 * `transport http { ... }` -> the `http` transport object (without `protocol`), in Caddy
 * 2.6.2's field names. Zero values are left out as Go's `omitempty` does.
 */
export function parseHttpTransport(line: Line): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  const keepAlive = (): Record<string, unknown> => (t.keep_alive ??= {}) as Record<string, unknown>;
  const setNum = (obj: Record<string, unknown>, key: string, n: number): void => {
    if (n !== 0) obj[key] = n;
    else delete obj[key];
  };
  for (const sub of line.block ?? []) {
    const name = sub.name.text;
    if (DURATIONS[name] !== undefined) {
      setNum(t, DURATIONS[name], duration(sub));
      continue;
    }
    switch (name) {
      case 'keepalive': {
        const v = oneArg(sub);
        if (v === 'off') keepAlive().enabled = false;
        else setNum(keepAlive(), 'idle_timeout', located(sub, () => parseGoDuration(v)));
        break;
      }
      case 'keepalive_interval':
        setNum(keepAlive(), 'probe_interval', duration(sub));
        break;
      case 'keepalive_idle_conns':
        setNum(keepAlive(), 'max_idle_conns', integer(sub));
        break;
      case 'keepalive_idle_conns_per_host':
        setNum(keepAlive(), 'max_idle_conns_per_host', integer(sub));
        break;
      case 'max_conns_per_host':
        setNum(t, 'max_conns_per_host', integer(sub));
        break;
      case 'read_buffer':
        setNum(t, 'read_buffer_size', bytes(sub));
        break;
      case 'write_buffer':
        setNum(t, 'write_buffer_size', bytes(sub));
        break;
      case 'max_response_header':
        setNum(t, 'max_response_header_size', bytes(sub));
        break;
      case 'versions':
        noBlock(sub);
        if (sub.args.length === 0) throw argErr(sub.name);
        t.versions = sub.args.map((a) => a.text);
        break;
      case 'compression':
        if (oneArg(sub) !== 'off') throw lineError(sub.args[0], `unsupported compression value: ${sub.args[0].text} (only 'off')`);
        t.compression = false;
        break;
      default:
        throw unsupported(sub.name, 'transport http subdirective');
    }
  }
  return t;
}
