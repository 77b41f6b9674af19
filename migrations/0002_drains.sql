-- Switchyard admin store, schema version 2: drain jobs.
-- A drain job follows one upstream address from the revision that set it `draining` until
-- every proxy worker reports it idle; then the admin writes the revision that sets `drained`
-- (or removes it). Jobs still `draining` when the admin starts are resumed.

CREATE TABLE drains (
  id               INTEGER PRIMARY KEY,     -- 1, 2, 3, ...
  address          TEXT    NOT NULL,        -- dial of the upstream
  pools            TEXT    NOT NULL,        -- JSON array of pool ids the drain applies to
  state            TEXT    NOT NULL,        -- draining | drained | cancelled
  revision         INTEGER NOT NULL,        -- the revision that set state draining
  started_at       TEXT    NOT NULL,        -- ISO-8601 UTC
  finished_at      TEXT,                    -- when it became drained or cancelled
  timeout_ms       INTEGER,                 -- NULL = no timeout
  deadline_ms      INTEGER,                 -- epoch ms of the timeout, NULL = none
  on_timeout       TEXT    NOT NULL,        -- close | keep
  keep_sticky      INTEGER NOT NULL,        -- 0/1
  remove           INTEGER NOT NULL,        -- 0/1: remove the upstream once drained
  timed_out        INTEGER NOT NULL,        -- 0/1
  closed           TEXT,                    -- JSON {requests, upgraded, workers[]} cut at the timeout
  workers          TEXT    NOT NULL,        -- JSON array of worker ids seen during the job
  final_revision   INTEGER,                 -- the revision that set drained (or removed it)
  error            TEXT                     -- why the final revision could not be written
) STRICT;
CREATE INDEX drains_by_address ON drains(address, id);
