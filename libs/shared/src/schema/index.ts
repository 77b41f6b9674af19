import { Config, Route } from './config';
import { Handler } from './handlers';
import { SelectionPolicy } from './reverse-proxy';

export * from './config';
export * from './handlers';
export * from './match';
export * from './reverse-proxy';
export { Duration, Dial, Listen, Id, type DurationValue } from './common';
export { validateConfig, escapePointer, type ConfigIssue, type ValidationResult } from './validate';
export { checkConfig, isCidr } from './check';

/**
 * The config schema as plain JSON Schema documents (for OpenAPI components): the root
 * document plus the three schemas it references by `$id`.
 */
export const configJsonSchemas: Readonly<Record<string, object>> = {
  SwitchyardConfig: Config,
  Route,
  Handler,
  SelectionPolicy,
};
