import { AdaptError, adaptCaddyfile, type AdaptWarning } from '@switchyard/adapt';
import { adminError } from './errors';
import type { Json } from './config/tree';

export type { AdaptWarning };

export interface Adapted {
  readonly result: Json;
  readonly warnings: readonly AdaptWarning[];
}

type AdaptFn = (text: string) => { result: unknown; warnings: AdaptWarning[] };

/** Config adapters by the Content-Type subtype that selects them (`text/caddyfile`). */
const ADAPTERS: Record<string, AdaptFn> = {
  caddyfile: (text) => adaptCaddyfile(text, 'Caddyfile'),
};

/**
 * Runs the adapter `name` on `text`. Unknown adapter: 400 `unrecognized config adapter 'x'`.
 * Adapter failure: 400 `adapting config using <name> adapter: <file:line - error>` with the
 * adapter's warnings in the error body (Caddy answers 200 and appends the error instead).
 */
export function adapt(name: string, text: string): Adapted {
  const run = Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name] : undefined;
  if (!run) throw adminError('ADM_ERR_UNKNOWN_ADAPTER', `unrecognized config adapter '${name}'`);
  try {
    const { result, warnings } = run(text);
    return { result: result as Json, warnings };
  } catch (e) {
    if (!(e instanceof AdaptError)) throw e;
    // An adapter error carries no warnings of its own; some adapters may attach the ones met so far.
    const warnings = (e as AdaptError & { warnings?: unknown }).warnings;
    const extra = Array.isArray(warnings) && warnings.length ? { warnings } : undefined;
    throw adminError('ADM_ERR_ADAPT', `adapting config using ${name} adapter: ${e.toString()}`, undefined, extra);
  }
}
