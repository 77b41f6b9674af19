import { AdaptError, type AdaptResult, type AdaptWarning } from '../errors';
import { formattingDifference } from './format';
import { parseGlobalOptions, type GlobalOptions } from './global';
import { replaceEnvVars, tokenize } from './lexer';
import { parseServerBlocks } from './parser';
import { buildServers } from './servers';
import { evaluateSite, type Site } from './site';
import type { NamedLog } from './types';

/** Options of {@link adaptCaddyfile}. */
export interface CaddyfileOptions {
  /** Values for `{$VAR}` placeholders; defaults to `process.env` like Caddy. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Adapts a Caddyfile to Caddy JSON. Invariant: for the supported subset (listed in
 * ./index.ts), `result` deep-equals what `caddy adapt` of Caddy 2.6.2 prints, and `warnings`
 * holds Caddy's adapter warnings (the "not formatted" one). Anything outside the subset
 * throws {@link AdaptError} with the file and line: nothing is dropped silently. Pure except
 * that `{$VAR}` reads `process.env` unless `options.env` is given.
 */
export function adaptCaddyfile(text: string, filename = 'Caddyfile', options: CaddyfileOptions = {}): AdaptResult {
  const env = options.env ?? process.env;
  const tokens = tokenize(replaceEnvVars(text, env), filename);
  const blocks = parseServerBlocks(tokens, filename);
  let opts: GlobalOptions = { debug: false, autoHttps: 'on' };
  let siteBlocks = blocks;
  if (blocks.length > 0 && blocks[0].keys.length === 0) {
    opts = parseGlobalOptions(blocks[0].segments);
    siteBlocks = blocks.slice(1);
  }
  const ctx = { groups: { n: 0 }, logs: { n: 0 } };
  const sites: Site[] = siteBlocks.map((b) => {
    if (b.keys.length === 0) {
      const at = b.segments[0]?.[0];
      throw new AdaptError(filename, at?.line ?? 0, 'server block without any key is global configuration, and if used, it must be first');
    }
    return evaluateSite(b, ctx);
  });
  const { servers, logs } = buildServers(sites, opts, ctx);

  const result: Record<string, unknown> = {};
  if (opts.admin !== undefined) result.admin = opts.admin;
  const logging = buildLogging(logs, opts.debug);
  if (logging !== undefined) result.logging = logging;
  const http: Record<string, unknown> = {};
  if (opts.httpPort !== undefined && opts.httpPort !== 0) http.http_port = opts.httpPort;
  if (opts.httpsPort !== undefined && opts.httpsPort !== 0) http.https_port = opts.httpsPort;
  if (opts.gracePeriod !== undefined && opts.gracePeriod !== 0) http.grace_period = opts.gracePeriod;
  if (Object.keys(servers).length > 0) http.servers = servers;
  if (Object.keys(http).length > 0) result.apps = { http };

  const warnings: AdaptWarning[] = [];
  const fmt = formattingDifference(filename, text);
  if (fmt !== null) warnings.push(fmt);
  return { result, warnings };
}

/**
 * Caddy's `logging.logs`: `default` gets DEBUG under `debug` and excludes every named access
 * log (duplicates kept, as 2.6.2 keeps them); each named log gets DEBUG under `debug` unless
 * it sets its own level.
 */
function buildLogging(named: NamedLog[], debug: boolean): Record<string, unknown> | undefined {
  const logs: Record<string, Record<string, unknown>> = {};
  if (debug) logs.default = { level: 'DEBUG' };
  for (const n of named) {
    if (n.name === '' || n.log === null) continue;
    const log = n.log;
    if (debug && log.level === undefined) log.level = 'DEBUG';
    logs[n.name] = log;
    const def = (logs.default ??= {});
    def.exclude = [...((def.exclude as string[]) ?? []), ...(log.include as string[])];
  }
  return Object.keys(logs).length > 0 ? { logs } : undefined;
}
