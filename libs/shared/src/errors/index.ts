import { CONFIG_ERRORS } from './config';
import type { ErrorSpec } from './types';

export * from './types';
export { CONFIG_ERRORS } from './config';

/**
 * Every error code Switchyard returns, in one catalogue. docs/errors.md is checked against it
 * by a test. Codes never change meaning once released.
 */
export const ERROR_CATALOGUE: Readonly<Record<string, ErrorSpec>> = {
  ...CONFIG_ERRORS,
};

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;
