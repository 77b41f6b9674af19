import {
  buildSubroute, extractMatcher, newRoute, parseBlockAsConfig, routesOnly, subrouteHandler,
} from './routing';
import { argErr, lineError, type Line } from './tree';
import type { ConfigValue, Ctx, Route } from './types';

/** `handle [matcher] { ... }`: a subroute of sorted, grouped routes; several handles exclude each other. */
export function parseHandle(line: Line, ctx: Ctx): ConfigValue[] {
  const { set, line: rest } = extractMatcher(line, ctx);
  const routes = buildSubroute(routesOnly(parseBlockAsConfig(rest, ctx)), ctx);
  return [newRoute('handle', set, subrouteHandler(routes))];
}

/**
 * `handle_path /prefix* { ... }`: `handle` plus a leading rewrite that strips the prefix.
 * Caddy 2.6.2 files its route under the `handle` directive (same sort slot and group).
 */
export function parseHandlePath(line: Line, ctx: Ctx): ConfigValue[] {
  const pathTok = line.args[0];
  if (pathTok === undefined) throw argErr(line.name);
  if (!pathTok.text.startsWith('/')) throw lineError(pathTok, `path matcher must begin with '/', got ${pathTok.text}`);
  const rest: Line = { ...line, args: line.args.slice(1) };
  const routes = buildSubroute(routesOnly(parseBlockAsConfig(rest, ctx)), ctx);
  const prefix = stripPrefix(pathTok.text);
  const strip: Route = { handle: [prefix !== '' ? { handler: 'rewrite', strip_path_prefix: prefix } : { handler: 'rewrite' }] };
  return [newRoute('handle', { path: [pathTok.text] }, subrouteHandler([strip, ...routes]))];
}

/** The prefix `handle_path` strips: the path without a trailing `/*` (or else `*`). */
function stripPrefix(path: string): string {
  if (path.endsWith('/*')) return path.slice(0, -2);
  if (path.endsWith('*')) return path.slice(0, -1);
  return path;
}

/** `route [matcher] { ... }`: nested directives kept in the written order, not merged. */
export function parseRoute(line: Line, ctx: Ctx): ConfigValue[] {
  const { set, line: rest } = extractMatcher(line, ctx);
  const routes = routesOnly(parseBlockAsConfig(rest, ctx)).map((v) => v.value);
  return [newRoute('route', set, subrouteHandler(routes))];
}
