import { goSliceStable } from './gosort';
import { defineMatcher, matcherFromToken, type MatcherSet } from './matchers';
import { argErr, lineError, type Line } from './tree';
import type { ConfigValue, Ctx, Handler, Route } from './types';

/**
 * Caddy 2.6's handler directive order; routes are sorted by it within a block. Only the
 * relative order of the directives this adapter supports matters, the rest keep Caddy's slots.
 */
export const DIRECTIVE_ORDER = [
  'tracing', 'map', 'vars', 'root', 'header', 'copy_response_headers', 'request_body', 'redir',
  'method', 'rewrite', 'uri', 'try_files', 'basicauth', 'forward_auth', 'request_header', 'encode',
  'push', 'templates', 'handle', 'handle_path', 'route', 'abort', 'error', 'copy_response',
  'respond', 'metrics', 'reverse_proxy', 'php_fastcgi', 'file_server', 'acme_server',
];
const POSITION = new Map(DIRECTIVE_ORDER.map((d, i) => [d, i]));

/** A route holding one handler, with the matcher set if any (Caddy's `Helper.NewRoute`). */
export function newRoute(directive: string, set: MatcherSet | null, handler: Handler): ConfigValue {
  const route: Route = {};
  if (set !== null) route.match = [set];
  route.handle = [handler];
  return { cls: 'route', directive, value: route };
}

/**
 * Splits off a leading matcher token (`*`, `/path`, `@name`) from a directive line.
 * Returns the matcher set (null for none or `*`) and the line without that token.
 */
export function extractMatcher(line: Line, ctx: Ctx): { set: MatcherSet | null; line: Line } {
  const m = matcherFromToken(line.args[0], ctx.defs);
  if (m === undefined) return { set: null, line };
  return { set: m.set, line: { ...line, args: line.args.slice(1) } };
}

/** Registers a directive that yields one handler behind an optional matcher. */
export function handlerDirective(fn: (line: Line, ctx: Ctx) => Handler): (line: Line, ctx: Ctx) => ConfigValue[] {
  return (line, ctx) => {
    const { set, line: rest } = extractMatcher(line, ctx);
    return [newRoute(line.name.text, set, fn(rest, ctx))];
  };
}

/**
 * Parses a directive's block as nested directives (Caddy's `parseSegmentAsConfig`): matcher
 * definitions in the block are scoped to it, and every line must be a known directive.
 */
export function parseBlockAsConfig(line: Line, ctx: Ctx): ConfigValue[] {
  if (line.args.length > 0) throw argErr(line.args[0]);
  const lines = line.block ?? [];
  const defs = new Map(ctx.defs);
  for (const l of lines) if (l.name.text.startsWith('@')) defineMatcher(l, defs);
  const inner: Ctx = { ...ctx, defs };
  const out: ConfigValue[] = [];
  for (const l of lines) {
    if (l.name.text.startsWith('@')) continue;
    const fn = ctx.directives.get(l.name.text);
    if (fn === undefined) {
      throw lineError(l.name, `unrecognized directive: ${l.name.text} - are you sure your Caddyfile structure (nesting and braces) is correct?`);
    }
    out.push(...fn(l, inner));
  }
  return out;
}

/** Only handler directives may appear where routes are built. */
export function routesOnly(values: ConfigValue[]): Extract<ConfigValue, { cls: 'route' }>[] {
  return values.map((v) => {
    if (v.cls !== 'route') throw new Error(`directive '${v.directive}' is not an ordered HTTP handler, so it cannot be used here`);
    return v;
  });
}

const singlePathLen = (r: Route): number => {
  if (r.match?.length !== 1) return 0;
  const p = r.match[0].path;
  return Array.isArray(p) && p.length === 1 && typeof p[0] === 'string' ? p[0].length : 0;
};

/** Caddy 2.6.2's route sort: directive order, then longer single path first, then matchers first. */
export function sortRoutes(values: Extract<ConfigValue, { cls: 'route' }>[]): void {
  goSliceStable(values, (a, b) => {
    if (a.directive !== b.directive) return (POSITION.get(a.directive) ?? 0) < (POSITION.get(b.directive) ?? 0);
    const al = singlePathLen(a.value);
    const bl = singlePathLen(b.value);
    if (al > 0 && bl > 0) return al > bl;
    return (a.value.match?.length ?? 0) > 0 && (b.value.match?.length ?? 0) === 0;
  });
}

/**
 * Builds a subroute from directive routes like Caddy's `buildSubroute`: sorts them (in place,
 * as Caddy does), puts several `handle` routes into one exclusive group, and merges
 * neighbours with equal matchers. Consumes group numbers exactly as Caddy 2.6.2 does: one for
 * `handle` when it occurs more than once, and always one for `rewrite`.
 */
export function buildSubroute(values: Extract<ConfigValue, { cls: 'route' }>[], ctx: Ctx): Route[] {
  sortRoutes(values);
  let handleGroup = '';
  if (values.filter((v) => v.directive === 'handle').length > 1) handleGroup = `group${ctx.groups.n++}`;
  ctx.groups.n++; // the (always allocated) rewrite group
  const routes = values.map((v) => {
    const r = cloneRoute(v.value);
    if (v.directive === 'handle') {
      if (handleGroup !== '') r.group = handleGroup;
      else delete r.group;
    }
    return r;
  });
  return consolidateRoutes(routes);
}

/** Merges adjacent routes with the same matchers, terminal flag and group (handlers keep order). */
export function consolidateRoutes(routes: Route[]): Route[] {
  const out = routes.slice();
  for (let i = 0; i < out.length - 1; i++) {
    const a = out[i];
    const b = out[i + 1];
    if (sameJSON(a.match, b.match) && (a.terminal ?? false) === (b.terminal ?? false) && (a.group ?? '') === (b.group ?? '')) {
      out[i] = { ...a, handle: [...(a.handle ?? []), ...(b.handle ?? [])] };
      out.splice(i + 1, 1);
      i--;
    }
  }
  return out;
}

/** A `subroute` handler; Caddy omits an empty route list. */
export function subrouteHandler(routes: Route[]): Handler {
  return routes.length > 0 ? { handler: 'subroute', routes } : { handler: 'subroute' };
}

function cloneRoute(r: Route): Route {
  const c: Route = { ...r };
  if (r.handle) c.handle = r.handle.slice();
  return c;
}

/** Structural equality of JSON values, insensitive to object key order. */
export function sameJSON(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}
