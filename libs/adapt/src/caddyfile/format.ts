import type { AdaptWarning } from '../errors';

/** The warning text Caddy's adapter emits when its input is not in `caddy fmt` form. */
export const NOT_FORMATTED =
  "Caddyfile input is not formatted; run the 'caddy fmt' command to fix inconsistencies";

const isSpace = (ch: string): boolean => /\s/u.test(ch);

/**
 * Formats Caddyfile text the way `caddy fmt` (2.6) does: one tab per nesting level,
 * braces on the line that opens them, at most one blank line in a row, a blank line
 * between top-level blocks, and exactly one trailing newline. Comments and quoted text
 * are copied as they are.
 */
export function formatCaddyfile(input: string): string {
  const src = input.trim();
  let out = '';
  let last = '';
  let space = true;
  let beginningOfLine = true;
  let openBrace = false;
  let openBraceWritten = false;
  let openBraceSpace = false;
  let newLines = 0;
  let comment = false;
  let quoted = false;
  let escaped = false;
  let nesting = 0;

  const write = (ch: string): void => {
    out += ch;
    last = ch;
  };
  const indent = (): void => {
    for (let i = 0; i < nesting; i++) write('\t');
  };
  const nextLine = (): void => {
    write('\n');
    beginningOfLine = true;
  };

  for (const ch of src) {
    if (comment) {
      if (ch === '\n') {
        comment = false;
        space = true;
        nextLine();
      } else {
        write(ch);
      }
      continue;
    }
    if (!escaped && ch === '\\') {
      if (space) {
        write(' ');
        space = false;
      }
      write(ch);
      escaped = true;
      continue;
    }
    if (escaped) {
      write(ch);
      escaped = false;
      continue;
    }
    if (quoted) {
      if (ch === '"') quoted = false;
      write(ch);
      continue;
    }
    if (space && ch === '"') quoted = true;
    if (isSpace(ch)) {
      space = true;
      if (ch === '\n') newLines++;
      continue;
    }
    const spacePrior = space;
    space = false;

    if (ch === '#') comment = true;

    if (openBrace && spacePrior && !openBraceWritten) {
      if (nesting === 0 && last === '}') {
        nextLine();
        nextLine();
      }
      openBrace = false;
      if (beginningOfLine) indent();
      else if (!openBraceSpace) write(' ');
      write('{');
      openBraceWritten = true;
      nextLine();
      newLines = 0;
      // bounded like Caddy's, so absurd inputs cannot indent forever
      if (nesting < 10) nesting++;
    }

    if (ch === '{') {
      openBrace = true;
      openBraceWritten = false;
      openBraceSpace = spacePrior && !beginningOfLine;
      if (openBraceSpace) write(' ');
      continue;
    }
    if (ch === '}' && (spacePrior || !openBrace)) {
      if (last !== '\n') nextLine();
      if (nesting > 0) nesting--;
      indent();
      write('}');
      newLines = 0;
      continue;
    }

    if (newLines > 2) newLines = 2;
    for (let i = 0; i < newLines; i++) nextLine();
    newLines = 0;
    if (beginningOfLine) indent();
    if (nesting === 0 && last === '}' && beginningOfLine) {
      nextLine();
      nextLine();
    }
    if (!beginningOfLine && spacePrior) write(' ');
    if (openBrace && !openBraceWritten) {
      write('{');
      openBraceWritten = true;
    }
    write(ch);
    beginningOfLine = false;
  }
  return out.trim() + '\n';
}

/**
 * Caddy's "input is not formatted" warning, or null when the text is already formatted.
 * The line is the first line on which the text and its formatted form differ.
 */
export function formattingDifference(file: string, body: string): AdaptWarning | null {
  const normalized = body.replace(/\r\n/g, '\n');
  const formatted = formatCaddyfile(normalized);
  if (formatted === normalized) return null;
  // compare as UTF-8 bytes, as Caddy does, so the line count stops at the same place
  const a = Buffer.from(normalized, 'utf8');
  const b = Buffer.from(formatted, 'utf8');
  let line = 1;
  for (let i = 0; i < a.length; i++) {
    if (i >= b.length || a[i] !== b[i]) break;
    if (a[i] === 0x0a) line++;
  }
  return { file, line, message: NOT_FORMATTED };
}
