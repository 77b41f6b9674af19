import { compileTemplate, expand, type PlaceholderScope, type Template } from './placeholders';
import { removeNamed } from './hop';

/**
 * Caddy's header operations (`headers.request` / `headers.response` of reverse_proxy) compiled
 * into one function over a flat header list. Order as in Caddy 2.6: add, set (values joined
 * with ","), delete (with `*` prefix/suffix/contains wildcards), replace (substring or regexp,
 * field `*` = every field). Values and replacements may hold placeholders.
 */
export interface HeaderRules {
  /** Some value names `{http.reverse_proxy.upstream.*}`: expand per attempt, not per request. */
  readonly perUpstream: boolean;
  apply(headers: string[], scope: PlaceholderScope): void;
}

/** `headers.response` rules plus Caddy's `require` condition. */
export interface ResponseRules extends HeaderRules {
  /** True when `require` (status codes / headers) holds for this response, or is absent. */
  applies(status: number, headers: readonly string[]): boolean;
}

/** The config shape shared by request and response operations (see the schema's HeaderOps). */
export interface HeaderOpsConfig {
  set?: Record<string, string[]>;
  add?: Record<string, string[]>;
  delete?: string[];
  replace?: Record<string, { search?: string; search_regexp?: string; replace?: string }[]>;
  deferred?: boolean;
  require?: { status_code?: number[]; headers?: Record<string, string[] | null> };
}

/** A bad regexp in `replace`; `path` is relative to the ops object. */
export class HeaderOpsError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

interface Replacement {
  readonly field: string;
  readonly re: RegExp | undefined;
  readonly search: Template;
  readonly replace: Template;
}

/** Compile `ops`; undefined when there is nothing to do. Throws `HeaderOpsError`. */
export function compileHeaderOps(ops: HeaderOpsConfig | undefined): ResponseRules | undefined {
  if (!ops) return undefined;
  const add = entries(ops.add);
  const set = entries(ops.set);
  const del = (ops.delete ?? []).map((d) => d.toLowerCase());
  const replace: Replacement[] = [];
  for (const [field, list] of Object.entries(ops.replace ?? {})) {
    list.forEach((r, i) => {
      let re: RegExp | undefined;
      if (r.search_regexp !== undefined && r.search_regexp !== '') {
        try {
          re = new RegExp(r.search_regexp, 'g');
        } catch (e) {
          throw new HeaderOpsError(`/replace/${escapePointer(field)}/${i}/search_regexp`, `invalid regexp: ${(e as Error).message}`);
        }
      }
      replace.push({ field: field.toLowerCase(), re, search: compileTemplate(r.search ?? ''), replace: compileTemplate(goReplacement(r.replace ?? '')) });
    });
  }
  const require = ops.require;
  if (add.length + set.length + del.length + replace.length === 0 && !require) return undefined;
  const templates = [...add, ...set].flatMap(([, v]) => v).concat(replace.flatMap((r) => [r.search, r.replace]));
  const perUpstream = templates.some((t) => t.perUpstream);
  const delExact = new Set(del.filter((d) => !d.includes('*')));
  const delWild = del.filter((d) => d.includes('*') && d !== '*');
  const delAll = del.includes('*');

  return {
    perUpstream,
    applies(status, headers) {
      if (!require) return true;
      if (require.status_code?.length && !require.status_code.some((c) => statusMatches(status, c))) return false;
      for (const [name, want] of Object.entries(require.headers ?? {})) {
        const n = name.toLowerCase();
        const have: string[] = [];
        for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === n) have.push(headers[i + 1]!);
        if (want === null) {
          // null: the header must be absent
          if (have.length > 0) return false;
          continue;
        }
        if (have.length === 0) return false;
        if (want.length > 0 && !have.some((v) => want.some((w) => globMatch(w, v)))) return false;
      }
      return true;
    },
    apply(headers, scope) {
      for (const [name, vals] of add) for (const v of vals) headers.push(name, expand(v, scope));
      for (const [name, vals] of set) {
        removeNamed(headers, new Set([name.toLowerCase()]));
        headers.push(name, vals.map((v) => expand(v, scope)).join(','));
      }
      if (delAll) headers.length = 0;
      if (delExact.size) removeNamed(headers, delExact);
      if (delWild.length) {
        const gone = new Set<string>();
        for (let i = 0; i < headers.length; i += 2) {
          const n = headers[i]!.toLowerCase();
          if (delWild.some((w) => globMatch(w, n))) gone.add(n);
        }
        if (gone.size) removeNamed(headers, gone);
      }
      for (const r of replace) {
        const search = expand(r.search, scope);
        const replacement = expand(r.replace, scope);
        for (let i = 0; i < headers.length; i += 2) {
          if (r.field !== '*' && headers[i]!.toLowerCase() !== r.field) continue;
          const v = headers[i + 1]!;
          headers[i + 1] = r.re ? v.replace(r.re, replacement) : search === '' ? v : v.split(search).join(replacement);
        }
      }
    },
  };
}

/** Caddy's status rule: exact code, or a class when < 100 (5 = 5xx). */
export function statusMatches(status: number, configured: number): boolean {
  return status === configured || (configured < 100 && status >= configured * 100 && status < (configured + 1) * 100);
}

function entries(map: Record<string, string[]> | undefined): [string, Template[]][] {
  return Object.entries(map ?? {}).map(([k, vals]) => [k, vals.map(compileTemplate)]);
}

/** `*` wildcards at either end (Caddy's header matching); anything else is exact. */
function globMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  if (p === '*') return true;
  const pre = p.startsWith('*');
  const suf = p.endsWith('*');
  if (pre && suf) return v.includes(p.slice(1, -1));
  if (pre) return v.endsWith(p.slice(1));
  if (suf) return v.startsWith(p.slice(0, -1));
  return v === p;
}

/** Go's regexp replacement syntax `${1}` / `${name}` to JavaScript's `$1` / `$<name>`. */
function goReplacement(s: string): string {
  return s.replace(/\$\{(\d+)\}/g, '$$$1').replace(/\$\{([A-Za-z_]\w*)\}/g, '$$<$1>');
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
