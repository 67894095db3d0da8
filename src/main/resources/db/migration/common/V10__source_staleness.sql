-- Per source not collected fresh at the last evaluation: how many open findings it held stale
-- (issue #8: a failing source names how much of the picture it leaves unverified). Replaced at
-- every evaluation; a source that is fresh again has no row.
CREATE TABLE source_staleness (
  connector_id    VARCHAR(64) PRIMARY KEY,
  stale_findings  INTEGER     NOT NULL,
  evaluated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
