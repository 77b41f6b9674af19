import type { Token } from './lexer';
import { canonicalHeaderKey } from './headers';
import { lineError, noBlock, unsupported, type Line } from './tree';

/** One matcher set in Caddy's JSON shape (all matchers in it must match). */
export type MatcherSet = Record<string, unknown>;

/** Named matchers visible in a scope, keyed with their `@`. */
export type MatcherDefs = ReadonlyMap<string, MatcherSet>;

/**
 * Parses a named matcher definition line (`@name path /a` or `@name { ... }`) into `defs`.
 * Lines of the same matcher type are merged (`path /a` + `path /b` = one path matcher).
 */
export function defineMatcher(line: Line, defs: Map<string, MatcherSet>): void {
  const name = line.name.text;
  if (defs.has(name)) throw lineError(line.name, `matcher is defined more than once: ${name}`);
  if (line.args.length > 0 && line.args[0].quote !== '') {
    throw lineError(line.args[0], `CEL expression matchers are not supported: ${line.args[0].text}`);
  }
  const lines: Line[] = [];
  if (line.args.length > 0) lines.push({ name: line.args[0], args: line.args.slice(1), block: line.block });
  else if (line.block !== undefined) lines.push(...line.block);
  defs.set(name, matcherSet(lines));
}

/** A matcher set from matcher lines, e.g. a named matcher's block or `lb_retry_match { ... }`. */
export function matcherSet(lines: Line[]): MatcherSet {
  const byName = new Map<string, Line[]>();
  for (const l of lines) {
    const group = byName.get(l.name.text);
    if (group) group.push(l);
    else byName.set(l.name.text, [l]);
  }
  const set: MatcherSet = {};
  for (const [name, group] of byName) {
    const parse = MATCHERS[name];
    if (parse === undefined) throw unsupported(group[0].name, 'matcher');
    set[name] = parse(group);
  }
  return set;
}

/**
 * Interprets a directive's first argument as a matcher token: `*` (all requests, no set),
 * `/path` (inline path matcher) or `@name`. Returns undefined when the token is no matcher.
 */
export function matcherFromToken(tok: Token | undefined, defs: MatcherDefs): { set: MatcherSet | null } | undefined {
  if (tok === undefined) return undefined;
  if (tok.text === '*') return { set: null };
  if (tok.text.startsWith('/')) return { set: { path: [tok.text] } };
  if (tok.text.startsWith('@')) {
    const set = defs.get(tok.text);
    if (set === undefined) throw lineError(tok, `unrecognized matcher name: ${tok.text}`);
    return { set };
  }
  return undefined;
}

type MatcherParser = (lines: Line[]) => unknown;

const texts = (lines: Line[]): string[] =>
  lines.flatMap((l) => {
    noBlock(l);
    return l.args.map((a) => a.text);
  });

const nullIfEmpty = (list: string[]): string[] | null => (list.length > 0 ? list : null);

const MATCHERS: Record<string, MatcherParser> = {
  path: (lines) => nullIfEmpty(texts(lines)),
  host: (lines) => nullIfEmpty(texts(lines)),
  method: (lines) => nullIfEmpty(texts(lines)),
  header(lines) {
    const out: Record<string, string[] | null> = {};
    for (const l of lines) {
      noBlock(l);
      const [field, value] = l.args;
      if (field === undefined) throw lineError(l.name, 'malformed header matcher: expected field');
      if (field.text.startsWith('!')) {
        if (field.text.length === 1) throw lineError(field, 'malformed header matcher: must have field name following ! character');
        if (l.args.length > 1) throw lineError(field, 'malformed header matcher: null matching headers cannot have a field value');
        out[field.text.slice(1)] = null;
        continue;
      }
      if (value === undefined) throw lineError(l.name, 'malformed header matcher: expected both field and value');
      if (l.args.length > 2) throw lineError(l.name, 'malformed header matcher: expected field');
      const key = canonicalHeaderKey(field.text);
      (out[key] ??= []).push(value.text);
    }
    return out;
  },
  query(lines) {
    const out: Record<string, string[]> = {};
    for (const l of lines) {
      noBlock(l);
      for (const a of l.args) {
        const eq = a.text.indexOf('=');
        if (eq < 0) throw lineError(a, `malformed query matcher token: ${a.text}; must be in param=val format`);
        (out[a.text.slice(0, eq)] ??= []).push(a.text.slice(eq + 1));
      }
    }
    return out;
  },
  remote_ip(lines) {
    const out: { ranges?: string[]; forwarded?: boolean } = {};
    for (const l of lines) {
      noBlock(l);
      for (const a of l.args) {
        if (a.text === 'forwarded') {
          if (out.ranges !== undefined) throw lineError(a, "if used, 'forwarded' must be first argument");
          out.forwarded = true;
        } else if (a.text === 'private_ranges') {
          throw unsupported(a, 'remote_ip argument');
        } else {
          (out.ranges ??= []).push(a.text);
        }
      }
    }
    return out;
  },
};
