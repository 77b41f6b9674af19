import type { ErrorSpec } from './types';

/** Errors in a config document (schema and semantic checks); shared by admin and proxy. */
export const CONFIG_ERRORS = {
  CFG_ERR_SCHEMA: { status: 400, meaning: 'A value does not match the config schema (wrong type, out of range, bad pattern); the message names its path.' },
  CFG_ERR_UNKNOWN_FIELD: { status: 400, meaning: 'An object has a field Switchyard does not implement; nothing is ignored silently.' },
  CFG_ERR_UNKNOWN_HANDLER: { status: 400, meaning: 'A route names a handler that is not implemented.' },
  CFG_ERR_UNKNOWN_POLICY: { status: 400, meaning: 'A selection_policy names a policy that is not implemented.' },
  CFG_ERR_BAD_DURATION: { status: 400, meaning: 'A duration is neither a Go-style duration string nor integer nanoseconds.' },
  CFG_ERR_BAD_DIAL: { status: 400, meaning: 'An upstream dial is not host:port (URLs and port ranges are rejected at load time, unlike Caddy).' },
  CFG_ERR_BAD_ID: { status: 400, meaning: 'An @id is not a string or number.' },
  CFG_ERR_DUPLICATE_ID: { status: 400, meaning: 'Two objects carry the same @id.' },
  CFG_ERR_DUPLICATE_LISTEN: { status: 400, meaning: 'Two servers listen on the same address.' },
  CFG_ERR_WEIGHTS: { status: 400, meaning: 'weighted_round_robin weights do not match the upstreams (count or values).' },
  CFG_ERR_BAD_REFERENCE: { status: 400, meaning: 'A value refers to something that does not exist (a certificate file, a rate-limit zone, ...).' },
} as const satisfies Record<string, ErrorSpec>;
