import { AdaptError } from '../errors';
import { isNextOnNewLine, type Token } from './lexer';

/** A directive line plus any block it opens, as a flat token list (Caddy's "segment"). */
export type Segment = Token[];

/** One top-level block: its site addresses (none for the global options block) and segments. */
export interface ServerBlock {
  keys: Token[];
  segments: Segment[];
}

/**
 * Parses tokens into server blocks like Caddy 2.6: addresses up to `{` or the end of the
 * line (a trailing comma continues the list), one segment per directive, snippets
 * `(name) { ... }` stored and spliced in by `import name [args...]` with `{args.N}`
 * replaced. File imports are refused: the adapter is pure and reads no files.
 */
export function parseServerBlocks(input: Token[], file: string): ServerBlock[] {
  return new Parser(input, file).parseAll();
}

class Parser {
  private cursor = -1;
  private nesting = 0;
  private readonly snippets = new Map<string, Token[]>();
  private imports = 0;

  constructor(
    private tokens: Token[],
    private readonly file: string,
  ) {}

  parseAll(): ServerBlock[] {
    const blocks: ServerBlock[] = [];
    while (this.next()) {
      const block = this.begin();
      if (block !== null) blocks.push(block);
    }
    return blocks;
  }

  private tok(): Token {
    return this.tokens[this.cursor];
  }

  private val(): string {
    return this.cursor >= 0 && this.cursor < this.tokens.length ? this.tokens[this.cursor].text : '';
  }

  private next(): boolean {
    if (this.cursor < this.tokens.length - 1) {
      this.cursor++;
      return true;
    }
    return false;
  }

  private isNewLine(): boolean {
    if (this.cursor < 1) return true;
    if (this.cursor > this.tokens.length - 1) return false;
    return isNextOnNewLine(this.tokens[this.cursor - 1], this.tokens[this.cursor]);
  }

  private err(message: string, token: Token | undefined = this.tokens[this.cursor]): AdaptError {
    return new AdaptError(token?.file ?? this.file, token?.line ?? 0, message);
  }

  private begin(): ServerBlock | null {
    const keys: Token[] = [];
    let eof = false;
    let expectingAnother = false;
    for (;;) {
      const tkn = this.tok();
      if (tkn.text === 'import' && tkn.quote === '' && this.isNewLine()) {
        this.doImport();
        if (this.cursor >= this.tokens.length) return keys.length ? { keys, segments: [] } : null;
        continue;
      }
      if (tkn.text === '{' && tkn.quote === '') {
        if (expectingAnother) throw this.err(`Expected another address but had '{' - check for extra comma`);
        break;
      }
      if (tkn.text.endsWith('{')) {
        throw this.err(`Site addresses cannot end with a curly brace: '${tkn.text}' - put a space between the token and the brace`);
      }
      if (tkn.text !== '') {
        let text = tkn.text;
        if (text.endsWith(',')) {
          text = text.slice(0, -1);
          expectingAnother = true;
        } else {
          expectingAnother = false;
        }
        if (text.includes(',')) {
          throw this.err(`Site addresses cannot contain a comma ',': '${tkn.text}' - put a space after the comma`);
        }
        keys.push({ ...tkn, text });
      }
      const hasNext = this.next();
      if (expectingAnother && !hasNext) throw this.err('Unexpected EOF');
      if (!hasNext) {
        eof = true;
        break;
      }
      if (!expectingAnother && this.isNewLine()) break;
    }
    if (eof) return { keys, segments: [] };

    if (keys.length === 1 && keys[0].text.startsWith('(') && keys[0].text.endsWith(')')) {
      this.defineSnippet(keys[0]);
      return null;
    }
    return { keys, segments: this.blockContents() };
  }

  private defineSnippet(key: Token): void {
    const name = key.text.slice(1, -1);
    if (this.snippets.has(name)) throw this.err(`redeclaration of previously declared snippet ${name}`, key);
    if (this.val() !== '{') throw this.err(`Expected '{' after snippet ${key.text}`, key);
    const body: Token[] = [];
    let depth = 1;
    while (this.next()) {
      const t = this.tok();
      if (t.text === '{' && t.quote === '') depth++;
      else if (t.text === '}' && t.quote === '') {
        depth--;
        if (depth === 0) break;
      }
      body.push(t);
    }
    if (depth !== 0) throw this.err('Unexpected EOF', key);
    this.snippets.set(name, body.map((t) => ({ ...t, origin: `snippet:${name}` })));
  }

  private blockContents(): Segment[] {
    const braced = this.val() === '{' && this.tok().quote === '';
    if (braced) this.nesting++;
    else this.cursor--;
    const segments = this.directives(braced);
    return segments;
  }

  private directives(braced: boolean): Segment[] {
    const segments: Segment[] = [];
    while (this.next()) {
      const t = this.tok();
      if (t.text === '}' && t.quote === '') {
        if (!braced || this.nesting === 0) throw this.err(`Unexpected '}' because no matching opening brace`);
        this.nesting--;
        return segments;
      }
      if (t.text === 'import' && t.quote === '') {
        this.doImport();
        this.cursor--;
        continue;
      }
      segments.push(this.directive());
    }
    if (braced) throw this.err('Unexpected EOF');
    return segments;
  }

  private directive(): Segment {
    const segment: Segment = [this.tok()];
    const base = this.nesting;
    while (this.next()) {
      const t = this.tok();
      const bare = t.quote === '';
      if (bare && t.text === '{') {
        this.nesting++;
        const n = this.tokens[this.cursor + 1];
        if (n !== undefined && !isNextOnNewLine(t, n)) {
          throw this.err(`Unexpected next token after '{' on same line`);
        }
      } else if (this.isNewLine() && this.nesting === base) {
        this.cursor--;
        break;
      } else if (bare && t.text === '}' && this.nesting > base) {
        this.nesting--;
      } else if (bare && t.text === '}') {
        throw this.err(`Unexpected '}' because no matching opening brace`);
      } else if (bare && t.text === 'import' && this.isNewLine()) {
        this.doImport();
        this.cursor--;
        continue;
      }
      segment.push(t);
    }
    if (this.nesting > base) throw this.err('Unexpected EOF');
    return segment;
  }

  /** Splices a snippet's tokens in place of `import NAME args...`; leaves the cursor before them. */
  private doImport(): void {
    const start = this.cursor;
    const importTok = this.tok();
    const args: string[] = [];
    let name: string | undefined;
    while (this.cursor + 1 < this.tokens.length && !isNextOnNewLine(this.tokens[this.cursor], this.tokens[this.cursor + 1])) {
      this.cursor++;
      if (name === undefined) name = this.tok().text;
      else args.push(this.tok().text);
    }
    if (name === undefined || name === '') throw this.err('Wrong argument count or unexpected line ending after \'import\'', importTok);
    const snippet = this.snippets.get(name);
    if (snippet === undefined) {
      throw this.err(`import of '${name}' is not supported: only snippets defined earlier in the same Caddyfile can be imported`, importTok);
    }
    if (++this.imports > 10000) throw this.err('too many imports (import cycle?)', importTok);
    const copies = snippet.map((t) => ({ ...t, text: replaceArgs(t.text, args), origin: `${t.origin}#${this.imports}` }));
    this.tokens = [...this.tokens.slice(0, start), ...copies, ...this.tokens.slice(this.cursor + 1)];
    this.cursor = start;
  }
}

/** Replaces the known `{args.N}` placeholders of an import; unknown ones stay as they are. */
function replaceArgs(text: string, args: string[]): string {
  return text.replace(/\{args\.(\d+)\}/g, (whole, n: string) => {
    const i = Number(n);
    return i < args.length ? args[i] : whole;
  });
}
