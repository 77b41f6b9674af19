/**
 * Load-balancing selection policies (Caddy 2.x names and semantics, plus `least_latency`).
 * `createPolicy` turns a validated-or-not `selection_policy` object into a policy instance;
 * each instance owns its cursor, so a config swap that builds a new one starts it afresh.
 */
import { createCookie } from './cookie';
import { createFirst } from './first';
import { createClientIpHash, createHeaderHash, createIpHash, createQueryHash, createUriHash } from './hash';
import { createLeastConn } from './least-conn';
import { createLeastLatency } from './least-latency';
import { createRandom } from './random';
import { createRandomChoose } from './random-choose';
import { createRoundRobin } from './round-robin';
import type { SelectionPolicy } from './types';
import {
  asObject, optInteger, optString, optWeights, PolicyConfigError, rejectUnknown, reqString, reqToken,
  type Fields, type PolicyConfig,
} from './validate';
import { createWeightedRoundRobin } from './weighted-round-robin';

export type { Candidate, Selection, SelectionPolicy, SelectionRequest } from './types';
export { PolicyConfigError, type PolicyConfig } from './validate';
export { eligible } from './eligible';
export { fnv1a32, fnv1a32Update, fmix32, hrwHash, hrwSelect } from './hrw';
export { cookieValue, DEFAULT_COOKIE_NAME } from './cookie';
export { DEFAULT_LATENCY_MS } from './least-latency';
export {
  createClientIpHash, createCookie, createFirst, createHeaderHash, createIpHash, createLeastConn,
  createLeastLatency, createQueryHash, createRandom, createRandomChoose, createRoundRobin,
  createUriHash, createWeightedRoundRobin,
};

/** Nesting limit for `fallback` chains; real configs use one level. */
const MAX_DEPTH = 8;

interface Builder {
  readonly fields: readonly string[];
  build(cfg: Fields, at: string, depth: number): SelectionPolicy;
}

const BUILDERS: Readonly<Record<string, Builder>> = {
  random: { fields: [], build: () => createRandom() },
  random_choose: {
    fields: ['choose'],
    build: (cfg, at) => createRandomChoose(optInteger(cfg, 'choose', 1, at) ?? 2),
  },
  least_conn: { fields: [], build: () => createLeastConn() },
  least_latency: { fields: [], build: () => createLeastLatency() },
  round_robin: { fields: [], build: () => createRoundRobin() },
  weighted_round_robin: {
    fields: ['weights'],
    build: (cfg, at) => {
      // Validated only: the runtime maps weights[i] into Candidate.weight.
      optWeights(cfg, at);
      return createWeightedRoundRobin();
    },
  },
  first: { fields: [], build: () => createFirst() },
  ip_hash: { fields: [], build: () => createIpHash() },
  client_ip_hash: { fields: [], build: () => createClientIpHash() },
  uri_hash: { fields: [], build: () => createUriHash() },
  header: {
    fields: ['field', 'fallback'],
    build: (cfg, at, depth) => createHeaderHash(reqToken(cfg, 'field', at), fallbackOf(cfg, at, depth)),
  },
  query: {
    fields: ['key', 'fallback'],
    build: (cfg, at, depth) => createQueryHash(reqString(cfg, 'key', at), fallbackOf(cfg, at, depth)),
  },
  cookie: {
    fields: ['name', 'secret', 'fallback'],
    build: (cfg, at, depth) => {
      // An empty name means the default, as in Caddy.
      const name = optString(cfg, 'name', at) ? reqToken(cfg, 'name', at) : '';
      return createCookie(name, optString(cfg, 'secret', at) ?? '', fallbackOf(cfg, at, depth));
    },
  },
};

/** Every policy name `createPolicy` accepts. */
export const POLICY_NAMES: readonly string[] = Object.freeze(Object.keys(BUILDERS));

/**
 * Build a policy from Caddy's `selection_policy` object; absent means `random` (Caddy's
 * default). Throws `PolicyConfigError` (path relative to the object) for an unknown policy,
 * an unknown field or a bad value; `@id` is allowed anywhere, as in Caddy.
 */
export function createPolicy(config: PolicyConfig | undefined): SelectionPolicy {
  return build(config === undefined ? { policy: 'random' } : config, '', 0);
}

function build(doc: unknown, at: string, depth: number): SelectionPolicy {
  const cfg = asObject(doc, at);
  const name = cfg['policy'];
  if (typeof name !== 'string') throw new PolicyConfigError(`${at}/policy`, 'policy must be a string naming a selection policy');
  const builder = Object.hasOwn(BUILDERS, name) ? BUILDERS[name] : undefined;
  if (builder === undefined) {
    throw new PolicyConfigError(`${at}/policy`, `unknown selection policy "${name}" (known: ${POLICY_NAMES.join(', ')})`);
  }
  rejectUnknown(cfg, builder.fields, at);
  return builder.build(cfg, at, depth);
}

function fallbackOf(cfg: Fields, at: string, depth: number): SelectionPolicy {
  const doc = cfg['fallback'];
  if (doc === undefined) return createRandom();
  if (depth + 1 >= MAX_DEPTH) throw new PolicyConfigError(`${at}/fallback`, `fallback nested deeper than ${MAX_DEPTH}`);
  return build(doc, `${at}/fallback`, depth + 1);
}
