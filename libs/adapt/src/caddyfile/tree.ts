import { AdaptError } from '../errors';
import { isNextOnNewLine, type Token } from './lexer';
import type { Segment } from './parser';

/** A directive or subdirective: its name token, the arguments on its line, and its block. */
export interface Line {
  name: Token;
  args: Token[];
  /** Present when the line opens a block (possibly empty). */
  block?: Line[];
}

const bare = (t: Token | undefined, text: string): boolean => t !== undefined && t.quote === '' && t.text === text;

/** Turns a segment's flat tokens into a line tree; the parser already balanced the braces. */
export function segmentToLine(segment: Segment): Line {
  const [line, end] = readLine(segment, 0);
  if (end !== segment.length) throw lineError(segment[end], `unexpected token '${segment[end].text}'`);
  return line;
}

function readLine(toks: Token[], start: number): [Line, number] {
  const name = toks[start];
  let i = start + 1;
  const args: Token[] = [];
  while (i < toks.length && !isNextOnNewLine(toks[i - 1], toks[i]) && !bare(toks[i], '{')) {
    if (bare(toks[i], '{}')) throw lineError(toks[i], `empty block '{}' is not supported here; open the block on its own lines`);
    args.push(toks[i]);
    i++;
  }
  if (!bare(toks[i], '{')) return [{ name, args }, i];
  const open = toks[i];
  i++;
  const block: Line[] = [];
  while (i < toks.length && !bare(toks[i], '}')) {
    const [child, next] = readLine(toks, i);
    block.push(child);
    i = next;
  }
  if (i >= toks.length) throw lineError(open, `unclosed block opened by '${name.text}'`);
  const close = toks[i];
  i++;
  if (i < toks.length && !isNextOnNewLine(close, toks[i])) {
    throw lineError(toks[i], `unexpected token '${toks[i].text}' after '}' on the same line`);
  }
  return [{ name, args, block }, i];
}

/** An AdaptError at a token. */
export function lineError(token: Token, message: string): AdaptError {
  return new AdaptError(token.file, token.line, message);
}

/** Caddy's "wrong argument count" error, at the last token the reader looked at. */
export function argErr(token: Token): AdaptError {
  return lineError(token, `Wrong argument count or unexpected line ending after '${token.text}'`);
}

/** The last token of a line's first row (the one an argument-count error points after). */
export function lastToken(line: Line): Token {
  return line.args.length > 0 ? line.args[line.args.length - 1] : line.name;
}

/** Requires exactly `n` arguments and no block; returns their texts. */
export function exactArgs(line: Line, n: number): string[] {
  if (line.args.length !== n) throw argErr(line.args.length > n ? line.args[n] : lastToken(line));
  noBlock(line);
  return line.args.map((a) => a.text);
}

/** Refuses a block on a line that takes none. */
export function noBlock(line: Line): void {
  if (line.block !== undefined) throw lineError(line.name, `'${line.name.text}' does not take a block`);
}

/** The "not supported" error every unknown (sub)directive gets, so nothing is dropped silently. */
export function unsupported(token: Token, what: string): AdaptError {
  return lineError(token, `unsupported ${what}: ${token.text}`);
}
