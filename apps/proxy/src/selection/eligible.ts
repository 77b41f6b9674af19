import type { Candidate } from './types';

/**
 * A candidate may take new traffic: it is available and has a positive weight.
 * `!(weight > 0)` also rejects NaN, so a broken weight can never be picked.
 */
export function eligible(c: Candidate): boolean {
  return c.available && c.weight > 0;
}
