import { ADMIN_ERRORS, SwitchyardError, type AdminErrorCode } from '@switchyard/shared';

export type { AdminErrorCode };

/**
 * An admin API error: a catalogue code, the status the catalogue gives it, Caddy's message,
 * and optionally the JSON pointer of the config value at fault plus extra members for the
 * response body (e.g. adapter warnings). The status always comes from the catalogue unless
 * the code is a CFG_ERR_* validation code, which the admin answers with 400.
 */
export class AdminError extends SwitchyardError {
  constructor(
    code: AdminErrorCode | string,
    message: string,
    path?: string,
    readonly extra?: Readonly<Record<string, unknown>>,
  ) {
    super(code, statusOf(code), message, path);
    this.name = 'AdminError';
  }
}

function statusOf(code: string): number {
  return (ADMIN_ERRORS as Record<string, { status: number }>)[code]?.status ?? 400;
}

/** Shorthand for `new AdminError(...)`, for `throw adminError(...)` at call sites. */
export function adminError(code: AdminErrorCode, message: string, path?: string, extra?: Record<string, unknown>): AdminError {
  return new AdminError(code, message, path, extra);
}

const GO_UNSAFE = /[<>&\u2028\u2029]/g;
const GO_SAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON.stringify with Go's HTML-safe escaping, keeping member order (unlike canonicalJSON,
 * which sorts). Safe as a plain replace: `<>&` never occur in JSON outside strings.
 */
export function goJSON(value: unknown): string {
  return JSON.stringify(value).replace(GO_UNSAFE, (c) => GO_SAFE[c]);
}

/** The body of every admin error: `{"error","code"[,"path"]...}` plus Go's trailing newline. */
export function errorBody(err: { message: string; code: string; path?: string; extra?: Readonly<Record<string, unknown>> }): string {
  const body: Record<string, unknown> = { error: err.message, code: err.code };
  if (err.path !== undefined) body.path = err.path;
  if (err.extra) Object.assign(body, err.extra);
  return goJSON(body) + '\n';
}
