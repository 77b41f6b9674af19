-- Switchyard admin store, schema version 1.
-- Every accepted config change is one row of `revisions` plus a full rewrite of the current
-- projection tables (servers, routes, pools, policies, upstreams) in the same transaction.

-- Numbered history of the config document; revision n is the document after change n.
CREATE TABLE revisions (
  n          INTEGER PRIMARY KEY,          -- 1, 2, 3, ...; 0 is the implicit empty config
  created_at TEXT    NOT NULL,             -- ISO-8601 UTC, millisecond precision
  method     TEXT    NOT NULL,             -- HTTP method of the change (POST, PUT, PATCH, DELETE)
  path       TEXT    NOT NULL,             -- request path as received (/config/..., /id/..., /load, /revisions/3/rollback)
  note       TEXT,                         -- Switchyard-Note request header
  source     TEXT,                         -- where the document came from: caddyfile, rollback:N, or Switchyard-Source header
  hash       TEXT    NOT NULL,             -- configHash of the document
  config     TEXT    NOT NULL,             -- canonical JSON of the whole document ('null' when unloaded)
  patch      TEXT    NOT NULL              -- RFC 6902 patch (JSON) from revision n-1 to n
) STRICT;

-- Current projection of the latest revision, for queries; rewritten on every change.
CREATE TABLE servers (
  name     TEXT PRIMARY KEY,               -- key under apps.http.servers
  listen   TEXT NOT NULL                   -- JSON array of listen addresses
) STRICT;

CREATE TABLE routes (
  path      TEXT PRIMARY KEY,              -- JSON pointer of the route object
  server    TEXT    NOT NULL,
  parent    TEXT,                          -- pointer of the enclosing route (subroute), NULL at top level
  position  INTEGER NOT NULL,              -- index in its routes array
  match     TEXT,                          -- JSON of the route's match (NULL = matches everything)
  handlers  TEXT    NOT NULL,              -- JSON array of handler names, in order
  terminal  INTEGER NOT NULL               -- 0/1
) STRICT;

-- One pool per reverse_proxy handler.
CREATE TABLE pools (
  id        TEXT PRIMARY KEY,              -- the handler's @id, else its JSON pointer
  path      TEXT    NOT NULL UNIQUE,       -- JSON pointer of the handler
  server    TEXT    NOT NULL,
  route     TEXT    NOT NULL               -- pointer of the route holding the handler
) STRICT;

CREATE TABLE policies (
  pool_id         TEXT PRIMARY KEY REFERENCES pools(id) ON DELETE CASCADE,
  policy          TEXT    NOT NULL,        -- selection policy name (default random)
  options         TEXT    NOT NULL,        -- JSON of the other selection_policy fields
  retries         INTEGER NOT NULL,
  try_duration_ms REAL    NOT NULL,
  try_interval_ms REAL    NOT NULL
) STRICT;

CREATE TABLE upstreams (
  pool_id      TEXT    NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,           -- index in the pool's upstreams array
  address      TEXT    NOT NULL,           -- dial
  weight       INTEGER NOT NULL,           -- extension weight, else weighted_round_robin weight, else 1
  backup       INTEGER NOT NULL,           -- 0/1
  state        TEXT    NOT NULL,           -- active | draining | drained | disabled
  max_requests INTEGER,                    -- NULL = no cap
  PRIMARY KEY (pool_id, position)
) STRICT;
CREATE INDEX upstreams_by_address ON upstreams(address);
