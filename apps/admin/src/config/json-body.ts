import { adminError } from '../errors';
import type { Json } from './tree';

/** Deeper documents are refused: every later step (hashing, diff, validation) recurses. */
export const MAX_DEPTH = 1000;

/**
 * Decodes a request body as Caddy does: an empty body is "no value" (undefined, which the
 * mutation stores as null), anything else must be one JSON value. Errors carry Go's
 * encoding/json wording (`invalid character 'b' looking for beginning of object key string`)
 * after `prefix`, so messages match Caddy's byte for byte in the common cases.
 */
export function decodeJsonBody(body: Buffer | string | undefined, prefix = 'decoding request body: '): Json | undefined {
  if (body === undefined || body.length === 0) return undefined;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    throw adminError('ADM_ERR_BAD_JSON', prefix + goSyntaxError(Buffer.from(text, 'utf8')));
  }
  if (depthExceeds(value, MAX_DEPTH)) throw adminError('ADM_ERR_BAD_JSON', `${prefix}exceeded max depth (${MAX_DEPTH})`);
  return value;
}

function depthExceeds(root: Json, max: number): boolean {
  const stack: Array<[Json, number]> = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

class Syntax extends Error {}

/**
 * The message Go's JSON scanner gives for the first syntax error in `b` (which JSON.parse has
 * already rejected). Iterative, so hostile nesting cannot overflow the stack.
 */
export function goSyntaxError(b: Buffer): string {
  let i = 0;
  const eof = (): never => {
    throw new Syntax('unexpected end of JSON input');
  };
  const bad = (context: string): never => {
    throw new Syntax(`invalid character ${quoteChar(b[i])} ${context}`);
  };
  const ws = () => {
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  };
  // At a `"`: an object key and its colon, leaving i at the member's value.
  const keyAndColon = () => {
    if (b[i] !== 0x22) bad('looking for beginning of object key string');
    scanString();
    ws();
    if (i >= b.length) eof();
    if (b[i] !== 0x3a) bad('after object key');
    i++;
  };
  // Stack of open containers: '{' expects a key, ':' a member value, '[' an element.
  const stack: number[] = [];
  try {
    for (;;) {
      // A value starts here.
      ws();
      if (i >= b.length) eof();
      const c = b[i];
      if (c === 0x7b /* { */) {
        i++;
        ws();
        if (i >= b.length) eof();
        if (b[i] === 0x7d) i++;
        else {
          keyAndColon();
          stack.push(0x7b);
          continue;
        }
      } else if (c === 0x5b /* [ */) {
        i++;
        ws();
        if (i >= b.length) eof();
        if (b[i] === 0x5d) i++;
        else {
          stack.push(0x5b);
          continue;
        }
      } else if (c === 0x22) scanString();
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) scanNumber();
      else if (c === 0x74) literal('true');
      else if (c === 0x66) literal('false');
      else if (c === 0x6e) literal('null');
      else bad('looking for beginning of value');

      // A value ended: close containers until one wants another value.
      for (;;) {
        ws();
        const top = stack[stack.length - 1];
        if (top === undefined) {
          if (i < b.length) bad('after top-level value');
          return 'unexpected end of JSON input';
        }
        if (i >= b.length) eof();
        if (top === 0x7b) {
          if (b[i] === 0x2c) {
            i++;
            ws();
            if (i >= b.length) eof();
            keyAndColon();
            break;
          }
          if (b[i] !== 0x7d) bad('after object key:value pair');
        } else {
          if (b[i] === 0x2c) {
            i++;
            break;
          }
          if (b[i] !== 0x5d) bad('after array element');
        }
        i++;
        stack.pop();
      }
    }
  } catch (e) {
    if (e instanceof Syntax) return e.message;
    throw e;
  }

  function scanString(): void {
    i++; // opening quote
    for (;;) {
      if (i >= b.length) eof();
      const c = b[i];
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) bad('in string literal');
      if (c === 0x5c) {
        i++;
        if (i >= b.length) eof();
        const e = b[i];
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= b.length) eof();
            if (!isHex(b[i])) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) bad('in string escape code');
      }
      i++;
    }
  }

  function scanNumber(): void {
    if (b[i] === 0x2d) {
      i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) bad('in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (i < b.length && isDigit(b[i])) i++;
    if (i < b.length && b[i] === 0x2e) {
      i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) bad('after decimal point in numeric literal');
      while (i < b.length && isDigit(b[i])) i++;
    }
    if (i < b.length && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < b.length && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) bad('in exponent of numeric literal');
      while (i < b.length && isDigit(b[i])) i++;
    }
  }

  function literal(word: string): void {
    i++;
    for (let k = 1; k < word.length; k++, i++) {
      if (i >= b.length) eof();
      if (b[i] !== word.charCodeAt(k)) bad(`in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`);
    }
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/** Go's quoteChar: one byte as a single-quoted Go literal (`'b'`, `'\n'`, `'\x00'`, `'\u0080'`). */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  if (c === 0x5c) return `'\\\\'`;
  if (C_ESCAPES[c]) return `'${C_ESCAPES[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // Go widens the byte to a rune: U+0080-U+00A0 and U+00AD are not printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${c.toString(16)}'`;
  return `'${String.fromCharCode(c)}'`;
}
