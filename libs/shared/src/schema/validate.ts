import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { tryParseDurationString } from '../duration';
import { parseDial, parseListen } from '../dial';
import { Config, Route, type SwitchyardConfig } from './config';
import { Handler } from './handlers';
import { SelectionPolicy } from './reverse-proxy';
import { checkConfig } from './check';

/** One thing wrong with a config document, located by a JSON pointer into it. */
export interface ConfigIssue {
  /** JSON pointer to the offending value, e.g. `/apps/http/servers/lb/routes/0/handle/0/upstreams/1/dial`. */
  path: string;
  message: string;
  /** A CFG_ERR_* code from the error catalogue. */
  code: string;
}

export type ValidationResult = { ok: true; value: SwitchyardConfig } | { ok: false; issues: ConfigIssue[] };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: false, discriminator: true, verbose: true, strict: false });
  ajv.addKeyword({
    keyword: 'swDuration',
    validate: (_: unknown, data: unknown) => typeof data !== 'string' || tryParseDurationString(data) !== undefined,
  });
  ajv.addKeyword({ keyword: 'swDial', validate: (_: unknown, data: unknown) => typeof data !== 'string' || typeof parseDial(data) !== 'string' });
  ajv.addKeyword({ keyword: 'swListen', validate: (_: unknown, data: unknown) => typeof data !== 'string' || typeof parseListen(data) !== 'string' });
  ajv.addSchema([SelectionPolicy, Handler, Route]);
  compiled = ajv.compile(Config);
  return compiled;
}

/**
 * Validate a whole document against the one schema, then run the semantic checks. The result's
 * value is the same object (not copied); callers freeze it before sharing.
 */
export function validateConfig(doc: unknown): ValidationResult {
  const v = validator();
  if (!v(doc)) {
    return { ok: false, issues: (v.errors ?? []).slice(0, 1).map(toIssue) };
  }
  const issues = checkConfig(doc as SwitchyardConfig);
  return issues.length ? { ok: false, issues } : { ok: true, value: doc as SwitchyardConfig };
}

function toIssue(e: ErrorObject): ConfigIssue {
  const at = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: `${at}/${escapePointer(prop)}`, code: 'CFG_ERR_UNKNOWN_FIELD', message: `unknown field "${prop}"` };
    }
    case 'discriminator': {
      const p = e.params as { tag: string; tagValue: unknown };
      const isHandler = p.tag === 'handler';
      const what = isHandler ? 'handler' : 'selection policy';
      const message = p.tagValue === undefined ? `missing "${p.tag}"` : `unknown ${what} ${JSON.stringify(p.tagValue)}`;
      return { path: `${at}/${p.tag}`, code: isHandler ? 'CFG_ERR_UNKNOWN_HANDLER' : 'CFG_ERR_UNKNOWN_POLICY', message };
    }
    case 'swDuration':
      return { path: at, code: 'CFG_ERR_BAD_DURATION', message: `invalid duration ${JSON.stringify(e.data)} (use "2s", "100ms", or integer nanoseconds)` };
    case 'swDial':
      return { path: at, code: 'CFG_ERR_BAD_DIAL', message: `invalid dial address: ${parseDial(String(e.data)) as string}` };
    case 'swListen':
      return { path: at, code: 'CFG_ERR_SCHEMA', message: `invalid listen address: ${parseListen(String(e.data)) as string}` };
  }
  if (at.endsWith('/@id')) return { path: at, code: 'CFG_ERR_BAD_ID', message: '@id must be a string or number' };
  return { path: at, code: 'CFG_ERR_SCHEMA', message: e.message ?? 'invalid value' };
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
