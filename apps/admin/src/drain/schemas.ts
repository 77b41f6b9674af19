/**
 * Route schemas of the drain and pool extensions: documentation only, like routes/schemas.ts
 * (the routes validate their input themselves). `DRAIN_SCHEMAS` are registered by $id and
 * become OpenAPI components.
 */
import { DRAIN_JOB_SCHEMA } from './view';

const ref = (id: string) => ({ $ref: `${id}#` });
const err = (description: string) => ({ description, ...ref('AdminError') });
const revisionHeader = { 'Switchyard-Revision': { type: 'integer', description: 'The revision now current.' } } as const;

const POOL_UPSTREAM_SCHEMA = {
  $id: 'PoolUpstream',
  type: 'object',
  description: 'One upstream of a pool: its config (extension fields resolved) and live state summed over the proxy workers.',
  required: ['address', 'weight', 'backup', 'state', 'healthy', 'in_flight', 'upgraded', 'workers'],
  properties: {
    address: { type: 'string' },
    weight: { type: 'integer', description: '`weight`, else the weighted_round_robin weight, else 1.' },
    backup: { type: 'boolean' },
    state: { type: 'string', enum: ['active', 'draining', 'drained', 'disabled'] },
    keep_sticky: { type: 'boolean' },
    max_requests: { type: ['integer', 'null'] },
    healthy: { type: 'boolean', description: 'No connected worker reports it unhealthy.' },
    in_flight: { type: 'integer' },
    upgraded: { type: 'integer' },
    workers: { type: 'integer', description: 'Workers reporting this address.' },
    drain: { type: ['object', 'null'], properties: { id: { type: 'integer' }, state: { type: 'string' } }, description: 'The running drain job, if any.' },
  },
} as const;

const POOL_SCHEMA = {
  $id: 'Pool',
  type: 'object',
  description: 'One reverse_proxy handler.',
  required: ['id', 'path', 'server', 'policy', 'upstreams'],
  properties: {
    id: { type: 'string', description: 'The handler\'s `@id`, else its JSON pointer.' },
    path: { type: 'string', description: 'JSON pointer of the handler.' },
    server: { type: 'string' },
    policy: { type: 'string' },
    upstreams: { type: 'array', items: ref('PoolUpstream') },
  },
} as const;

/** Schemas to register with addSchema before the routes. */
export const DRAIN_SCHEMAS = [DRAIN_JOB_SCHEMA, POOL_UPSTREAM_SCHEMA, POOL_SCHEMA] as const;

const addressParam = { type: 'object', properties: { address: { type: 'string', description: 'The dial address, e.g. `127.0.0.1:9001`.' } } } as const;
const poolParams = { type: 'object', properties: { id: { type: 'string', description: 'Pool id (URL-encode a JSON pointer).' }, address: addressParam.properties.address } } as const;
const poolQuery = { pool: { type: 'string', description: 'Only in this pool (its `@id`); default: every pool holding the address.' } } as const;
const forceQuery = { force: { type: 'string', enum: ['true', 'false'], description: '`true`: allow leaving a pool without an available upstream.' } } as const;
const drainOptions = {
  timeout: { type: 'string', description: 'Duration (`30s`, `5m`): then apply `on_timeout`.' },
  on_timeout: { type: 'string', enum: ['close', 'keep'], description: '`close`: workers cut the requests and WebSockets still open; `keep` (default): leave them and report the timeout.' },
  keep_sticky: { type: 'string', enum: ['true', 'false'], description: 'Clients pinned by cookie or hash keep reaching the upstream until the drain ends.' },
} as const;
const waitParam = { wait: { type: 'string', description: 'Long-poll up to this duration (`60s`; bare digits are seconds; at most 10m).' } } as const;
const job = (description: string) => ({ description, ...ref('DrainJob'), headers: revisionHeader });
const upstreamChanged = {
  200: { description: 'Applied by every worker.', type: 'object', properties: { pool: { type: 'string' }, upstream: { anyOf: [ref('PoolUpstream'), { type: 'null' }] }, revision: { type: 'integer' } }, headers: revisionHeader },
  202: { description: 'Stored, but not every worker applied it yet: `publish` says which lag.', type: 'object', additionalProperties: true, headers: revisionHeader },
} as const;
const upstreamBody = {
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          weight: { type: 'integer', minimum: 0 }, backup: { type: 'boolean' }, state: { type: 'string', enum: ['active', 'draining', 'drained', 'disabled'] },
          max_requests: { type: 'integer', minimum: 0 }, keep_sticky: { type: 'boolean' },
        },
      },
    },
  },
} as const;

/** Route schemas of the drain, pool and event routes (OpenAPI only). */
export const DS = {
  drainPost: {
    summary: 'Drain an upstream: no new requests, in-flight ones and WebSockets finish',
    description: 'Sets `state: draining` on the upstream (one revision, answered once the workers applied it) and starts a drain job that writes `state: drained` when every worker reports zero in-flight requests and zero upgraded connections on the address. Options come from the query or a JSON body with the same names. A running job of the address is extended, not duplicated.',
    params: addressParam,
    querystring: { type: 'object', properties: { ...poolQuery, ...forceQuery, ...drainOptions, ...waitParam } },
    body: { content: { 'application/json': { schema: { type: 'object', properties: { pool: { type: 'string' }, timeout: { type: 'string' }, on_timeout: { type: 'string' }, keep_sticky: { type: 'boolean' }, force: { type: 'boolean' }, wait: { type: 'string' } } } } } },
    response: {
      200: job('With `wait`: the drain completed within it.'),
      202: job('The job, draining (or complete without `wait`). With `publish` when some worker has not applied the revision yet.'),
      400: err('Bad option.'),
      404: err('Unknown pool, or no pool has this upstream.'),
      409: err('It is the last available upstream of a pool (use `force=true`).'),
    },
  },
  drainGet: {
    summary: 'The drain job of an upstream; long-polls with `wait`',
    description: 'Answers at once, or with `wait` when the drain is complete (`complete: true`), times out with `on_timeout: keep` (`timed_out: true`), or the wait ends (`complete: false`).',
    params: addressParam,
    querystring: { type: 'object', properties: { ...poolQuery, ...waitParam } },
    response: { 200: job('The job.'), 404: err('No drain of this address.') },
  },
  drainDelete: {
    summary: 'Put a drained or draining upstream back in service',
    description: 'Sets `state` back to active (one revision) and cancels the running drain job.',
    params: addressParam,
    querystring: { type: 'object', properties: { ...poolQuery } },
    response: {
      200: { description: 'Applied.', type: 'object', properties: { address: { type: 'string' }, pools: { type: 'array', items: { type: 'string' } }, state: { type: 'string' }, revision: { type: 'integer' }, job: { anyOf: [ref('DrainJob'), { type: 'null' }] } }, headers: revisionHeader },
      202: upstreamChanged[202],
      404: err('Unknown pool, or no pool has this upstream.'),
    },
  },
  poolList: { summary: 'Every pool (reverse_proxy handler) with its upstreams and their live state', response: { 200: { type: 'array', items: ref('Pool') } } },
  poolGet: { summary: 'One pool by id', params: poolParams, response: { 200: ref('Pool'), 404: err('Unknown pool.') } },
  upstreamGet: { summary: 'One upstream of a pool, by address', params: poolParams, response: { 200: ref('PoolUpstream'), 404: err('Unknown pool or upstream.') } },
  upstreamPut: {
    summary: 'Add an upstream to a pool, or replace it',
    description: 'The upstream becomes `{"dial": address, ...body}`: replaced in place when the pool has it, else appended (a weighted_round_robin `weights` array grows with it).',
    params: poolParams,
    querystring: { type: 'object', properties: { ...forceQuery } },
    body: upstreamBody,
    response: { ...upstreamChanged, 400: err('Bad body or invalid resulting config.'), 404: err('Unknown pool.'), 409: err('The pool would be left without an available upstream.') },
  },
  upstreamPatch: {
    summary: 'Change fields of an upstream (weight, backup, state, ...)',
    description: 'Merges the body into the upstream (a `null` member removes that field).',
    params: poolParams,
    querystring: { type: 'object', properties: { ...forceQuery } },
    body: upstreamBody,
    response: { ...upstreamChanged, 400: err('Bad body or invalid resulting config.'), 404: err('Unknown pool or upstream.'), 409: err('The pool would be left without an available upstream.') },
  },
  upstreamDelete: {
    summary: 'Remove an upstream from a pool; with `drain=true`, drain it first',
    description: 'Without `drain`, removed at once (requests in flight on it finish). With `drain=true` a drain job starts and removes the upstream when it completes; `wait` waits for that.',
    params: poolParams,
    querystring: { type: 'object', properties: { drain: { type: 'string', enum: ['true', 'false'] }, ...forceQuery, ...drainOptions, ...waitParam } },
    response: {
      200: { description: 'Removed (and applied by every worker).', type: 'object', additionalProperties: true, headers: revisionHeader },
      202: { description: 'Draining: the upstream is removed when the job completes; or stored but not applied by every worker yet.', type: 'object', additionalProperties: true },
      404: err('Unknown pool or upstream.'),
      409: err('The pool would be left without an available upstream.'),
    },
  },
  events: {
    summary: 'Server-Sent Events: revisions applied, health transitions, drain progress',
    description: 'text/event-stream. Event types: `revision` (a worker applied a revision), `nack`, `health` (a worker saw an upstream flip), `proxy.connected`, `proxy.disconnected`, `drain.started`, `drain.progress`, `drain.timeout`, `drain.closed`, `drain.completed`, `drain.cancelled`, `drain.resumed`. Each `data:` is one JSON object. `Last-Event-ID` (or `since`) replays remembered events after that id.',
    querystring: { type: 'object', properties: { types: { type: 'string', description: 'Comma-separated type names or prefixes, e.g. `drain,health`.' }, since: { type: 'integer' } } },
    response: { 200: { description: 'An endless event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
  },
};
