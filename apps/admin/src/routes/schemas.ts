/**
 * Route schemas: documentation only (the admin validates bodies itself, with Caddy's messages,
 * so Fastify's validator and serializer are no-ops). They generate openapi/openapi.json.
 * `SwitchyardConfig`, `Route`, `Handler` and `SelectionPolicy` are the shared config schema,
 * registered by $id; the rest are the admin's own shapes below.
 */

const ref = (id: string) => ({ $ref: `${id}#` });

/** Admin-owned shared shapes, registered with addSchema (components in OpenAPI). */
export const ADMIN_SCHEMAS = [
  {
    $id: 'AdminError',
    type: 'object',
    description: "Every admin error: Caddy's `error` message plus a stable `code` (docs/errors.md).",
    required: ['error', 'code'],
    properties: {
      error: { type: 'string' },
      code: { type: 'string', description: 'ADM_ERR_* or CFG_ERR_*' },
      path: { type: 'string', description: 'JSON pointer of the config value at fault' },
      warnings: { type: 'array', items: ref('AdaptWarning') },
    },
  },
  {
    $id: 'AdaptWarning',
    type: 'object',
    required: ['file', 'line', 'message'],
    properties: { file: { type: 'string' }, line: { type: 'integer' }, message: { type: 'string' }, directive: { type: 'string' } },
  },
  {
    $id: 'PublishOutcome',
    type: 'object',
    description: 'Body of a 202: the change is stored as `revision`, but not every proxy node applied it in time.',
    required: ['revision', 'complete', 'acked', 'lagging', 'failed'],
    properties: {
      revision: { type: 'integer' },
      complete: { type: 'boolean', const: false },
      acked: { type: 'array', items: { type: 'string' } },
      lagging: { type: 'array', items: { type: 'string' } },
      failed: {
        type: 'array',
        items: {
          type: 'object',
          required: ['node', 'error'],
          properties: { node: { type: 'string' }, error: { type: 'string' }, code: { type: 'string' }, path: { type: 'string' } },
        },
      },
      warnings: { type: 'array', items: ref('AdaptWarning') },
    },
  },
  {
    $id: 'RevisionMeta',
    type: 'object',
    required: ['revision', 'created_at', 'method', 'path', 'note', 'source', 'hash'],
    properties: {
      revision: { type: 'integer', minimum: 1 },
      created_at: { type: 'string', format: 'date-time' },
      method: { type: 'string' },
      path: { type: 'string', description: 'Request path of the change' },
      note: { type: ['string', 'null'], description: 'Switchyard-Note header' },
      source: { type: ['string', 'null'], description: 'caddyfile, rollback:N, or the Switchyard-Source header' },
      hash: { type: 'string', description: 'configHash of the document' },
    },
  },
] as const;

const revisionHeader = {
  'Switchyard-Revision': { type: 'integer', description: 'The revision now current (unchanged for a no-op).' },
} as const;

const writeHeaders = {
  type: 'object',
  properties: {
    'if-match': { type: 'string', description: 'An ETag `"<path> <hash>"` of any scope; 412 when stale.' },
    'cache-control': { type: 'string', description: '`must-revalidate` (exact): store and publish even if unchanged.' },
    'switchyard-note': { type: 'string', description: 'Free text stored with the revision.' },
    'switchyard-source': { type: 'string', description: 'Where the change comes from, stored with the revision.' },
  },
} as const;

const waitQuery = {
  type: 'object',
  properties: { wait: { type: 'string', enum: ['true', 'false'], description: '`false`: answer once published, without waiting for proxy nodes to apply it.' } },
} as const;

const err = (description: string) => ({ description, ...ref('AdminError') });

const changed = {
  200: { description: 'Applied (or unchanged): empty body.', type: 'null', headers: revisionHeader },
  202: { description: 'Stored, but not every proxy node applied it yet.', ...ref('PublishOutcome'), headers: revisionHeader },
} as const;

const anyJson = { description: 'Any JSON value.' } as const;

const pathParam = (scope: 'config' | 'id') => ({
  type: 'object',
  properties: {
    '*': { type: 'string', description: scope === 'config' ? 'Path inside the config document, e.g. `apps/http/servers/lb/listen/0`; a trailing `...` expands an array body.' : '`<id>[/<path>]`: an @id value, then a path inside that object.' },
  },
});

export const S = {
  configGet: (scope: 'config' | 'id') => ({
    summary: scope === 'config' ? 'Read the config at a path' : 'Read the object with an @id',
    description: 'Returns the JSON value (`null` for a missing key) with an `ETag: "<expanded path> <fnv1a32>"` header.',
    params: pathParam(scope),
    response: {
      200: { ...anyJson, headers: { ETag: { type: 'string' }, ...revisionHeader } },
      400: err('Traversal or index error, or an /id/ path without an id.'),
      404: err('Unknown @id.'),
    },
  }),
  configWrite: (scope: 'config' | 'id') => ({
    summary: scope === 'config' ? 'Change the config at a path' : 'Change the object with an @id',
    description:
      'POST appends to an array or sets a key (`.../...` appends each element); PUT inserts at an index or creates a key (409 if it exists); PATCH replaces an existing key or element (404 if missing). The whole resulting document is validated before it is stored as a revision.',
    params: pathParam(scope),
    headers: writeHeaders,
    querystring: waitQuery,
    body: { content: { 'application/json': { schema: anyJson } } },
    response: {
      ...changed,
      400: err('Wrong Content-Type, invalid JSON, path error, or the resulting config is invalid (then `path` names the value).'),
      404: err('PATCH of a missing key, or unknown @id.'),
      409: err('PUT on an existing key.'),
      412: err('If-Match is stale.'),
      413: err('Body over the limit.'),
    },
  }),
  configDelete: (scope: 'config' | 'id') => ({
    summary: scope === 'config' ? 'Delete the config at a path' : 'Delete the object with an @id',
    description: 'Removes a key or an array element; `DELETE /config/` unloads everything.',
    params: pathParam(scope),
    headers: writeHeaders,
    querystring: waitQuery,
    response: { ...changed, 400: err('Path error or invalid resulting config.'), 404: err('Missing key or unknown @id.'), 412: err('If-Match is stale.') },
  }),
  redirect: { summary: 'Redirect to /config/', response: { 301: { description: 'Location: /config/', type: 'string' } } },
  missingId: { summary: 'An /id request without an id', response: { 400: err('request path is missing object ID') } },
  load: {
    summary: 'Replace the whole config',
    description:
      'The Content-Type selects the format: absent or `*/json` is JSON, `text/caddyfile` is adapted from a Caddyfile. With adapter warnings the 200 body is the warnings array. An unchanged config is a no-op unless `Cache-Control: must-revalidate`.',
    headers: writeHeaders,
    querystring: waitQuery,
    body: { content: { 'application/json': { schema: ref('SwitchyardConfig') }, 'text/caddyfile': { schema: { type: 'string' } } } },
    response: {
      200: { description: 'Applied: empty body, or the adapter warnings.', type: 'array', items: ref('AdaptWarning'), headers: revisionHeader },
      202: changed[202],
      400: err('Bad Content-Type, unknown adapter, adapter error, invalid JSON or invalid config.'),
      412: err('If-Match is stale.'),
      413: err('Body over the limit.'),
    },
  },
  adapt: {
    summary: 'Convert a config to JSON without loading it',
    body: { content: { 'text/caddyfile': { schema: { type: 'string' } }, 'application/json': { schema: anyJson } } },
    response: {
      200: { type: 'object', required: ['result'], properties: { warnings: { type: 'array', items: ref('AdaptWarning') }, result: ref('SwitchyardConfig') } },
      400: err('Bad Content-Type, unknown adapter, adapter error or invalid JSON.'),
    },
  },
  stop: { summary: 'Stop the admin process gracefully', response: { 200: { description: 'Stopping: empty body; the process exits after the response.', type: 'null' } } },
  upstreams: {
    summary: "Upstream status (Caddy's shape)",
    response: {
      200: {
        type: 'array',
        items: {
          type: 'object',
          required: ['address', 'num_requests', 'fails'],
          properties: { address: { type: 'string' }, num_requests: { type: 'integer' }, fails: { type: 'integer' } },
          additionalProperties: true,
        },
      },
    },
  },
  openapi: { summary: 'This OpenAPI document', response: { 200: { type: 'object', additionalProperties: true } } },
  revisionList: {
    summary: 'List revisions, newest first',
    querystring: {
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
        before: { type: 'integer', minimum: 1, description: 'Only revisions below this number (the `next` cursor of the previous page).' },
      },
    },
    response: {
      200: {
        type: 'object',
        required: ['current', 'revisions', 'next'],
        properties: { current: { type: 'integer' }, revisions: { type: 'array', items: ref('RevisionMeta') }, next: { type: ['integer', 'null'] } },
      },
      400: err('Bad limit or before.'),
    },
  },
  revisionGet: {
    summary: 'One revision with its document and patch',
    params: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
    response: {
      200: {
        type: 'object',
        properties: { ...ADMIN_SCHEMAS[3].properties, config: { description: 'The whole document (null when unloaded).' }, patch: { type: 'array', description: 'RFC 6902 patch from revision n-1.' } },
      },
      404: err('No such revision.'),
    },
  },
  revisionDiff: {
    summary: 'The patch that turns revision `from` (default n-1) into n',
    params: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
    querystring: { type: 'object', properties: { from: { type: 'integer', minimum: 0, description: '0 is the empty config.' } } },
    response: {
      200: { type: 'object', required: ['from', 'to', 'patch'], properties: { from: { type: 'integer' }, to: { type: 'integer' }, patch: { type: 'array' } } },
      404: err('No such revision.'),
    },
  },
  rollback: {
    summary: 'Store a new revision equal to revision n',
    description: 'The old document is validated again; an unchanged result is a no-op unless `Cache-Control: must-revalidate`.',
    params: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
    headers: writeHeaders,
    querystring: waitQuery,
    response: { ...changed, 400: err('The old document is no longer valid.'), 404: err('No such revision.'), 412: err('If-Match is stale.') },
  },
};
