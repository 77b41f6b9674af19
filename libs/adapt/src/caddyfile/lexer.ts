import { AdaptError } from '../errors';

/** One Caddyfile token. `line` is where it starts; `origin` tells file text from snippet copies. */
export interface Token {
  text: string;
  line: number;
  file: string;
  /** The quote character that delimited the token ('"' or '`'), or '' when bare. */
  quote: string;
  /** Tokens of one origin compare lines with each other; a change of origin is a new line. */
  origin: string;
}

/**
 * Splits Caddyfile text into tokens the way Caddy 2.6's lexer does: whitespace separates,
 * `"..."` allows `\"`, backticks are raw, `#` starts a comment only at a token's start,
 * and a backslash before a newline continues the line (the continued tokens keep the line
 * number of the first line).
 */
export function tokenize(input: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let skipped = 0;
  let val = '';
  let tokenLine = 1;
  let quoted = false;
  let btQuoted = false;
  let escaped = false;
  let comment = false;
  const emit = (quote: string): void => {
    tokens.push({ text: val, line: tokenLine, file, quote, origin: file });
    val = '';
  };
  for (const ch of input) {
    if (!escaped && !btQuoted && ch === '\\') {
      escaped = true;
      continue;
    }
    if (quoted || btQuoted) {
      if (quoted && escaped) {
        // inside double quotes only the quote itself can be escaped
        if (ch !== '"') val += '\\';
        escaped = false;
      } else if ((quoted && ch === '"') || (btQuoted && ch === '`')) {
        emit(ch);
        quoted = btQuoted = false;
        continue;
      }
      if (ch === '\n') {
        line += 1 + skipped;
        skipped = 0;
      }
      val += ch;
      continue;
    }
    if (/\s/u.test(ch)) {
      if (ch === '\r') continue;
      if (ch === '\n') {
        if (escaped) {
          skipped++;
          escaped = false;
        } else {
          line += 1 + skipped;
          skipped = 0;
        }
        comment = false;
      }
      if (val.length > 0) emit('');
      continue;
    }
    if (ch === '#' && val.length === 0) comment = true;
    if (comment) continue;
    if (val.length === 0) {
      tokenLine = line;
      if (ch === '"') {
        quoted = true;
        continue;
      }
      if (ch === '`') {
        btQuoted = true;
        continue;
      }
    }
    if (escaped) {
      val += '\\';
      escaped = false;
    }
    val += ch;
  }
  if (quoted || btQuoted) throw new AdaptError(file, tokenLine, 'unterminated quoted string');
  if (val.length > 0) emit('');
  return tokens;
}

/** Whether `next` starts on a later line than `prev` ends (quoted tokens may span lines). */
export function isNextOnNewLine(prev: Token, next: Token): boolean {
  if (prev.origin !== next.origin || prev.file !== next.file) return true;
  let breaks = 0;
  for (const c of prev.text) if (c === '\n') breaks++;
  return prev.line + breaks < next.line;
}

/**
 * Replaces `{$NAME}` and `{$NAME:default}` in the raw text before lexing, as Caddy 2.6
 * does (one pass, no recursion into substituted values).
 */
export function replaceEnvVars(input: string, env: Readonly<Record<string, string | undefined>>): string {
  let out = input;
  let offset = 0;
  for (;;) {
    const begin = out.indexOf('{$', offset);
    if (begin < 0) break;
    const end = out.indexOf('}', begin + 2);
    if (end < 0) break;
    const name = out.slice(begin + 2, end);
    if (name.length === 0) {
      offset = end + 1;
      continue;
    }
    const colon = name.indexOf(':');
    const key = colon < 0 ? name : name.slice(0, colon);
    let value = Object.prototype.hasOwnProperty.call(env, key) ? env[key] : undefined;
    if (value === undefined) value = colon < 0 ? '' : name.slice(colon + 1);
    out = out.slice(0, begin) + value + out.slice(end + 1);
    offset = begin + value.length;
  }
  return out;
}
