/** One non-fatal finding of an adapter, pointing at the input line it is about. */
export interface AdaptWarning {
  file: string;
  line: number;
  message: string;
}

/** What every adapter returns: the config document and the warnings met on the way. */
export interface AdaptResult {
  result: Record<string, unknown>;
  warnings: AdaptWarning[];
}

/**
 * A fatal adapter error. Invariant: `file` and `line` point at the input token the
 * error is about (line 0 only when the error concerns the input as a whole), and
 * `toString()` reads like Caddy's own parse errors, `FILE:LINE - Error during parsing: MSG`.
 */
export class AdaptError extends Error {
  readonly file: string;
  readonly line: number;

  /** `message` is the bare reason; `toString()` adds the location. */
  constructor(file: string, line: number, message: string) {
    super(message);
    this.name = 'AdaptError';
    this.file = file;
    this.line = line;
  }

  override toString(): string {
    return `${this.file}:${this.line} - Error during parsing: ${this.message}`;
  }
}
