-- Fact snapshots per fact (issue #14): a collection writes only the facts that changed, and a
-- restart reads one row per distinct fact instead of re-parsing one JSON text per source.
-- Portable H2 2.x / PostgreSQL 13+. See docs/facts.md, "How snapshots are stored".
--
-- One row is one fact body (its JSON, keyed by SHA-256) in a connector's snapshots from run
-- from_run until run until_run (exclusive; NULL while it is in the connector's latest stored
-- snapshot). A run's snapshot is every row of its connector with from_run <= run < until_run: a
-- collection closes the rows of facts that changed or went and opens rows for facts that are new
-- or changed; an unchanged fact's row is not touched. Facts whose observation time is the run's
-- (connector_run.facts_observed_at) are stored without it (run_observed), so a re-collected,
-- otherwise unchanged fact keeps its row. The same body twice in one snapshot is one row, copies 2.
CREATE TABLE snapshot_fact (
  connector_id  VARCHAR(64)       NOT NULL,
  sha256        VARCHAR(64)       NOT NULL,
  from_run      BIGINT            NOT NULL,
  until_run     BIGINT,
  copies        INTEGER           NOT NULL,
  run_observed  BOOLEAN           NOT NULL,
  body          CHARACTER VARYING NOT NULL,
  PRIMARY KEY (connector_id, from_run, sha256)
);
-- No other index: a collection reads its connector's current rows by the key's prefix and closes
-- rows by the whole key; every index more would be written for every new fact.

-- A run whose facts are held in snapshot_fact (rather than in the facts text of runs stored by
-- earlier versions, which stay readable as they are), and the observation time its facts share,
-- as the JSON text the facts would carry it in (a JSON string, exact to the nanosecond).
ALTER TABLE connector_run ADD COLUMN facts_in_rows BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE connector_run ADD COLUMN facts_observed_at VARCHAR(64);
