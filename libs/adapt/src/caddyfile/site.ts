import { AdaptError } from '../errors';
import { parseSiteAddress, type SiteAddress } from './address';
import { parseHandle, parseHandlePath, parseRoute } from './blocks';
import { parseEncode, parseHeader, parseRespond } from './handlers';
import type { Token } from './lexer';
import { parseLog } from './log';
import { defineMatcher, type MatcherSet } from './matchers';
import type { ServerBlock } from './parser';
import { handlerDirective } from './routing';
import { parseReverseProxy } from './reverse-proxy';
import { argErr, lineError, noBlock, segmentToLine } from './tree';
import type { ConfigValue, Ctx, DirectiveFn } from './types';

/** Every site directive this adapter supports; anything else is an error. */
export const DIRECTIVES: ReadonlyMap<string, DirectiveFn> = new Map<string, DirectiveFn>([
  ['bind', (line) => {
    noBlock(line);
    if (line.args.length === 0) throw argErr(line.name);
    return [{ cls: 'bind', directive: 'bind', value: line.args.map((a) => a.text) }];
  }],
  ['log', parseLog],
  ['header', parseHeader],
  ['encode', handlerDirective((line) => parseEncode(line))],
  ['handle', parseHandle],
  ['handle_path', parseHandlePath],
  ['route', parseRoute],
  ['respond', handlerDirective((line) => parseRespond(line))],
  ['reverse_proxy', handlerDirective((line) => parseReverseProxy(line))],
]);

/** A site block after its directives were evaluated: Caddy's `serverBlock` with its "pile". */
export interface Site {
  keyTokens: Token[];
  keys: SiteAddress[];
  routes: Extract<ConfigValue, { cls: 'route' }>[];
  binds: string[];
  logs: Extract<ConfigValue, { cls: 'custom_log' }>[];
}

// Caddy's shorthand placeholders, expanded in every token of a site block.
const SHORTHANDS: Record<string, string> = {
  '{dir}': '{http.request.uri.path.dir}',
  '{file}': '{http.request.uri.path.file}',
  '{host}': '{http.request.host}',
  '{hostport}': '{http.request.hostport}',
  '{port}': '{http.request.port}',
  '{method}': '{http.request.method}',
  '{path}': '{http.request.uri.path}',
  '{query}': '{http.request.uri.query}',
  '{remote}': '{http.request.remote}',
  '{remote_host}': '{http.request.remote.host}',
  '{remote_port}': '{http.request.remote.port}',
  '{scheme}': '{http.request.scheme}',
  '{uri}': '{http.request.uri}',
  '{tls_cipher}': '{http.request.tls.cipher_suite}',
  '{tls_version}': '{http.request.tls.version}',
  '{tls_client_fingerprint}': '{http.request.tls.client.fingerprint}',
  '{tls_client_issuer}': '{http.request.tls.client.issuer}',
  '{tls_client_serial}': '{http.request.tls.client.serial}',
  '{tls_client_subject}': '{http.request.tls.client.subject}',
  '{tls_client_certificate_pem}': '{http.request.tls.client.certificate_pem}',
  '{tls_client_certificate_der_base64}': '{http.request.tls.client.certificate_der_base64}',
  '{upstream_hostport}': '{http.reverse_proxy.upstream.hostport}',
};
const SHORTHAND_RE = new RegExp(Object.keys(SHORTHANDS).map((k) => k.replace(/[{}]/g, '\\$&')).join('|'), 'g');
const PATTERNS: [RegExp, string][] = [
  [/\{header\.([\w-]*)\}/g, '{http.request.header.$1}'],
  [/\{cookie\.([\w-]*)\}/g, '{http.request.cookie.$1}'],
  [/\{labels\.([\w-]*)\}/g, '{http.request.host.labels.$1}'],
  [/\{path\.([\w-]*)\}/g, '{http.request.uri.path.$1}'],
  [/\{file\.([\w-]*)\}/g, '{http.request.uri.path.file.$1}'],
  [/\{query\.([\w-]*)\}/g, '{http.request.uri.query.$1}'],
  [/\{re\.([\w-]*)\.([\w-]*)\}/g, '{http.regexp.$1.$2}'],
  [/\{vars\.([\w-]*)\}/g, '{http.vars.$1}'],
  [/\{rp\.([\w\-.]*)\}/g, '{http.reverse_proxy.$1}'],
  [/\{err\.([\w\-.]*)\}/g, '{http.error.$1}'],
  [/\{file_match\.([\w-]*)\}/g, '{http.matchers.file.$1}'],
];

/** Expands Caddyfile shorthand placeholders (`{remote_host}`, `{header.X}`, ...) in one token text. */
export function expandShorthands(text: string): string {
  let out = text.replace(SHORTHAND_RE, (m) => SHORTHANDS[m]);
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

/** Evaluates one site block's directives (matcher definitions first, as Caddy does). */
export function evaluateSite(block: ServerBlock, ctx: Omit<Ctx, 'defs' | 'directives'>): Site {
  const keys = block.keys.map((k) => {
    try {
      return parseSiteAddress(k.text);
    } catch (e) {
      throw lineError(k, (e as Error).message);
    }
  });
  const lines = block.segments.map((seg) => segmentToLine(seg.map((t) => ({ ...t, text: expandShorthands(t.text) }))));
  const defs = new Map<string, MatcherSet>();
  for (const l of lines) if (l.name.text.startsWith('@')) defineMatcher(l, defs);
  const full: Ctx = { ...ctx, defs, directives: DIRECTIVES };
  const site: Site = { keyTokens: block.keys, keys, routes: [], binds: [], logs: [] };
  for (const l of lines) {
    if (l.name.text.startsWith('@')) continue;
    const fn = DIRECTIVES.get(l.name.text);
    if (fn === undefined) throw lineError(l.name, `unrecognized directive: ${l.name.text}`);
    let values: ConfigValue[];
    try {
      values = fn(l, full);
    } catch (e) {
      if (e instanceof AdaptError) throw e;
      throw lineError(l.name, (e as Error).message);
    }
    for (const v of values) {
      if (v.cls === 'route') site.routes.push(v);
      else if (v.cls === 'bind') site.binds.push(...v.value);
      else site.logs.push(v);
    }
  }
  return site;
}
