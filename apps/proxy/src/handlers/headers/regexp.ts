/**
 * Go (RE2) regular expressions and replacement templates, as Caddy's `search_regexp` uses them,
 * translated to JavaScript once at build time.
 */

/** Compile a Go regexp for global replacement. Throws SyntaxError on an invalid pattern. */
export function goRegExp(src: string): RegExp {
  let flags = 'g';
  let body = src;
  // Go allows leading flag groups such as (?i) or (?is); JavaScript takes them as flags.
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes('U')) throw new SyntaxError('the (?U) flag is not supported');
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
    body = body.slice(lead[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  return new RegExp(body, flags);
}

type Token = string | number | { readonly group: string };

/**
 * Parse a Go replacement template: `$1`, `${1}`, `$name`, `${name}`, `$$` for a dollar sign.
 * As in Go, `$name` takes the longest run of letters, digits and underscores (so `$1x` names
 * group "1x", which does not exist and expands to nothing) and a malformed `$` stays literal.
 */
export function parseGoTemplate(t: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  let i = 0;
  while (i < t.length) {
    const d = t.indexOf('$', i);
    if (d < 0) break;
    lit += t.slice(i, d);
    i = d + 1;
    if (t[i] === '$') {
      lit += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (t[i] === '{') {
      const end = t.indexOf('}', i);
      const n = end < 0 ? '' : t.slice(i + 1, end);
      if (n && /^\w+$/.test(n)) {
        name = n;
        i = end + 1;
      }
    } else {
      const m = /^\w+/.exec(t.slice(i));
      if (m) {
        name = m[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      lit += '$';
      continue;
    }
    if (lit) out.push(lit);
    lit = '';
    out.push(/^\d+$/.test(name) && (name === '0' || name[0] !== '0') ? Number(name) : { group: name });
  }
  lit += t.slice(i);
  if (lit) out.push(lit);
  return out;
}

/**
 * Replace every match of `re` in `value` with the Go template `template`, expanding `$n` and
 * `$name` from the match. `groups` is the number of capture groups of `re`.
 */
export function goReplaceAll(value: string, re: RegExp, tokens: readonly Token[], groups: number): string {
  re.lastIndex = 0;
  return value.replace(re, (...args: unknown[]) => {
    let out = '';
    for (const t of tokens) {
      if (typeof t === 'string') out += t;
      else if (typeof t === 'number') out += t <= groups ? (args[t] as string | undefined) ?? '' : '';
      else {
        const named = args[groups + 3] as Record<string, string | undefined> | undefined;
        out += (typeof named === 'object' && named ? named[t.group] : undefined) ?? '';
      }
    }
    return out;
  });
}

/** Number of capture groups in `re`. */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`).exec('')!.length - 1;
}
