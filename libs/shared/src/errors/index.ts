import { ADMIN_ERRORS } from './admin';
import { CONFIG_ERRORS } from './config';
import { PROTOCOL_ERRORS } from './protocol';
import { PROXY_ERRORS } from './proxy';
import type { ErrorSpec } from './types';

export * from './types';
export { CONFIG_ERRORS } from './config';
export { ADMIN_ERRORS } from './admin';
export { PROXY_ERRORS } from './proxy';
export { PROTOCOL_ERRORS } from './protocol';

/**
 * Every error code Switchyard returns, in one catalogue. docs/errors.md is checked against it
 * by a test. Codes never change meaning once released.
 */
export const ERROR_CATALOGUE: Readonly<Record<string, ErrorSpec>> = {
  ...CONFIG_ERRORS,
  ...ADMIN_ERRORS,
  ...PROXY_ERRORS,
  ...PROTOCOL_ERRORS,
};

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;
export type AdminErrorCode = keyof typeof ADMIN_ERRORS;
export type ProxyErrorCode = keyof typeof PROXY_ERRORS;
