/** A compiled template piece: literal text, or a placeholder name to resolve per request. */
export type Part = string | { readonly name: string };

/**
 * Split `input` the way Caddy's replacer scans it: `{name}` is a placeholder when `isKnown(name)`;
 * `\{` and `\}` are literal braces (the backslash is dropped). An unknown placeholder is kept
 * literally and scanning resumes just after its `{` (so `{a{http.request.host}` still finds the
 * inner one), or it is dropped when `dropUnknown` (Caddy's ReplaceAll). A string without `{`
 * is returned as is, backslashes included, exactly as Caddy does.
 */
export function parseTemplate(input: string, isKnown: (name: string) => boolean, dropUnknown: boolean): Part[] {
  if (!input.includes('{')) return input === '' ? [] : [input];
  const parts: Part[] = [];
  let lit = '';
  let last = 0;
  const n = input.length;
  scan: for (let i = 0; i < n; i++) {
    const c = input[i];
    if (i > 0 && input[i - 1] === '\\' && (c === '{' || c === '}')) {
      lit += input.slice(last, i - 1);
      last = i;
      continue;
    }
    if (c !== '{') continue;
    let end = input.indexOf('}', i);
    if (end < 0) continue;
    // the first closing brace that is not escaped ends the placeholder
    while (end > 0 && end < n - 1 && input[end - 1] === '\\') {
      const next = input.indexOf('}', end + 1);
      if (next < 0) continue scan;
      end = next;
    }
    lit += input.slice(last, i);
    const name = input.slice(i + 1, end);
    if (!isKnown(name)) {
      if (!dropUnknown) {
        last = i;
        continue;
      }
    } else {
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ name });
    }
    i = end;
    last = end + 1;
  }
  lit += input.slice(last);
  if (lit) parts.push(lit);
  return parts;
}
