import { AdaptError } from '../errors';

/** One nginx directive: `name args...;` or `name args... { block }`. */
export interface Directive {
  name: string;
  args: string[];
  line: number;
  block?: Directive[];
}

interface Tok {
  text: string;
  line: number;
  /** '{', '}', ';' as syntax (not inside quotes), else 'word'. */
  kind: 'word' | '{' | '}' | ';';
}

/**
 * Parses nginx configuration syntax: directives end with `;` or open a `{ }` block, `#`
 * comments run to the end of the line, single and double quotes group text (with `\`
 * escapes), and `${var}`-style braces inside a word stay part of the word.
 */
export function parseNginx(text: string, file: string): Directive[] {
  const toks = lex(text, file);
  let i = 0;
  const block = (depth: number, openLine: number): Directive[] => {
    const out: Directive[] = [];
    for (;;) {
      const t = toks[i];
      if (t === undefined) {
        if (depth > 0) throw new AdaptError(file, openLine, 'unexpected end of file, expecting "}"');
        return out;
      }
      if (t.kind === '}') {
        if (depth === 0) throw new AdaptError(file, t.line, 'unexpected "}"');
        i++;
        return out;
      }
      if (t.kind !== 'word') throw new AdaptError(file, t.line, `unexpected "${t.text}"`);
      const d: Directive = { name: t.text, args: [], line: t.line };
      i++;
      for (;;) {
        const a = toks[i];
        if (a === undefined) throw new AdaptError(file, d.line, `unexpected end of file, expecting ";" or "}"`);
        if (a.kind === 'word') {
          d.args.push(a.text);
          i++;
        } else if (a.kind === ';') {
          i++;
          break;
        } else if (a.kind === '{') {
          i++;
          d.block = block(depth + 1, a.line);
          break;
        } else {
          throw new AdaptError(file, a.line, 'unexpected "}"');
        }
      }
      out.push(d);
    }
  };
  return block(0, 0);
}

function lex(text: string, file: string): Tok[] {
  const toks: Tok[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';') {
      toks.push({ text: c, line, kind: c });
      i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let val = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1];
          // nginx keeps the backslash unless it escapes the quote, a backslash or a control letter
          if (n === c || n === '\\') val += n;
          else if (n === 'n') val += '\n';
          else if (n === 't') val += '\t';
          else if (n === 'r') val += '\r';
          else val += '\\' + n;
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        val += text[i++];
      }
      if (i >= text.length) throw new AdaptError(file, start, 'unterminated quoted string');
      i++;
      toks.push({ text: val, line: start, kind: 'word' });
    } else {
      let val = '';
      while (i < text.length) {
        const ch = text[i];
        if (/\s/.test(ch) || ch === ';' || ch === '"' || ch === "'") break;
        if (ch === '{' || ch === '}') {
          // "${name}" keeps its braces inside a word
          if (ch === '{' && val.endsWith('$')) {
            const close = text.indexOf('}', i);
            if (close < 0) throw new AdaptError(file, line, 'unterminated variable');
            val += text.slice(i, close + 1);
            i = close + 1;
            continue;
          }
          break;
        }
        if (ch === '\\' && i + 1 < text.length) {
          val += text[i + 1];
          i += 2;
          continue;
        }
        val += ch;
        i++;
      }
      toks.push({ text: val, line, kind: 'word' });
    }
  }
  return toks;
}
