import type { HandlerConfig } from '@switchyard/shared';
import type { BuildServices, Handler, RequestContext } from '../types';
import { compileTemplate, type Template } from '../../placeholders';
import { cleanPath, trimPathPrefix, trimPathSuffix } from './path';
import { compileUri } from './uri';

export { cleanPath, trimPathPrefix, trimPathSuffix, normalizePath, normalizeQuery, queryEscape } from './path';
export { compileUri, type UriResult } from './uri';

type RewriteConfig = Extract<HandlerConfig, { handler: 'rewrite' }>;

type Step = (ctx: RequestContext) => void;

/**
 * Caddy's `rewrite` handler: changes `ctx.method`, `ctx.path` and `ctx.query` (what the reverse
 * proxy forwards), in Caddy's order: method, uri, strip_path_prefix, strip_path_suffix,
 * uri_substring. Placeholders use ReplaceAll (unknown ones become ""). Stripping and substring
 * replacement first clean the path (dot segments resolved, repeated slashes merged unless the
 * pattern contains "//"), compare case-insensitively in decoded space, and never leave a path
 * without its leading "/" (Caddy 2.6 could forward "x" for "/apix" minus "/api").
 * `ctx.req.url` keeps the original URI (`{http.request.orig_uri}`).
 */
export function createRewrite(raw: { handler: string }, _services: BuildServices, _path: string): Handler {
  const cfg = raw as RewriteConfig;
  const steps: Step[] = [];
  const tpl = (s: string): Template => compileTemplate(s, { unknown: 'empty' });

  if (cfg.method) {
    const m = tpl(cfg.method);
    steps.push((ctx) => {
      const v = m(ctx).toUpperCase();
      if (v) ctx.method = v;
    });
  }
  if (cfg.uri) {
    const uri = compileUri(cfg.uri);
    steps.push((ctx) => {
      const r = uri(ctx);
      if (r.path !== undefined) ctx.path = r.path;
      if (r.query !== undefined) ctx.query = r.query;
    });
  }
  if (cfg.strip_path_prefix) {
    const pre = tpl(cfg.strip_path_prefix);
    steps.push((ctx) => {
      const p = pre(ctx);
      ctx.path = anchored(trimPathPrefix(cleanPath(ctx.path, !p.includes('//')), p));
    });
  }
  if (cfg.strip_path_suffix) {
    const suf = tpl(cfg.strip_path_suffix);
    steps.push((ctx) => {
      const s = suf(ctx);
      ctx.path = anchored(trimPathSuffix(cleanPath(ctx.path, !s.includes('//')), s));
    });
  }
  for (const sub of cfg.uri_substring ?? []) {
    if (!sub.find) continue;
    const find = tpl(sub.find);
    const rep = tpl(sub.replace ?? '');
    const limit = sub.limit && sub.limit > 0 ? sub.limit : Infinity;
    const merge = !sub.find.includes('//');
    steps.push((ctx) => {
      const f = find(ctx);
      if (!f) return;
      const r = rep(ctx);
      ctx.path = anchored(replaceN(cleanPath(ctx.path, merge), f, r, limit));
      ctx.query = replaceN(ctx.query, f, r, limit);
    });
  }

  return {
    name: 'rewrite',
    handle(ctx, next) {
      for (let i = 0; i < steps.length; i++) steps[i]!(ctx);
      return next(ctx);
    },
  };
}

/** Go's strings.Replace(s, find, rep, n): at most `limit` non-overlapping replacements, left to right. */
export function replaceN(s: string, find: string, rep: string, limit: number): string {
  if (limit === Infinity) return s.split(find).join(rep);
  let out = '';
  let from = 0;
  for (let n = 0; n < limit; n++) {
    const i = s.indexOf(find, from);
    if (i < 0) break;
    out += s.slice(from, i) + rep;
    from = i + find.length;
  }
  return out + s.slice(from);
}

function anchored(p: string): string {
  return p.startsWith('/') ? p : `/${p}`;
}
