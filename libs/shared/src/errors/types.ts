/** One entry of the error catalogue: a stable code, the HTTP status it maps to, and what it means. */
export interface ErrorSpec {
  readonly status: number;
  /** One sentence for docs/errors.md: when this code is returned. */
  readonly meaning: string;
}

/**
 * An error that carries a catalogue code. `path` names the offending value (a JSON pointer into
 * the config document, or a request field) whenever one exists.
 */
export class SwitchyardError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'SwitchyardError';
  }
}
