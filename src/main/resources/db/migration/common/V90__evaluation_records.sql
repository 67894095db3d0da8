-- Evaluation records (#15): what each evaluation read and decided, so that it can be replayed.
-- Portable H2 2.x / PostgreSQL 13+.

-- Rule pack contents by content hash (RulePack.contentHash: SHA-256 over pack.yaml and the DRL
-- files). A later edit of the pack on disk is a new row; a replay compiles the stored files.
CREATE TABLE rule_pack_version (
  content_hash  VARCHAR(64)  PRIMARY KEY,
  pack          VARCHAR(100) NOT NULL,
  version       VARCHAR(100),
  files         TEXT         NOT NULL, -- JSON object: file name -> text
  stored_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Verdict sets by content (SHA-256 of the JSON): an evaluation that decides as the one before it,
-- the usual case, adds no copy. Deleted when no record names it any more.
CREATE TABLE verdict_set (
  sha256    VARCHAR(64) PRIMARY KEY,
  verdicts  TEXT        NOT NULL, -- JSON: [[pack, rule, subject key], ...], sorted
  verdict_count INTEGER NOT NULL,
  stored_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per recorded evaluation, beside its evaluation_run row. Deleted with retention
-- (aims.retention.evaluations); the snapshots and pack versions it names are kept while it exists.
CREATE TABLE evaluation_record (
  evaluation_id  BIGINT       PRIMARY KEY REFERENCES evaluation_run (id) ON DELETE CASCADE,
  evaluated_at   TIMESTAMP WITH TIME ZONE NOT NULL, -- the evaluation's "now": a replay evaluates at it
  engine         VARCHAR(200) NOT NULL,             -- aims-monitor and Drools versions
  scoped_facts   INTEGER      NOT NULL,             -- snapshot facts the AIMS scope kept
  health         TEXT         NOT NULL,             -- JSON: the SourceHealth facts evaluated
  verdicts_sha256 VARCHAR(64) NOT NULL              -- the verdict set, by content
);
CREATE INDEX evaluation_record_by_time ON evaluation_record (evaluated_at);

-- The fact snapshots an evaluation read: a reference to the connector run and the SHA-256 of its
-- stored facts text (the snapshot JSON is not copied). No foreign key: a snapshot deleted anyway
-- is reported by replay as missing.
CREATE TABLE evaluation_snapshot (
  evaluation_id  BIGINT      NOT NULL REFERENCES evaluation_record (evaluation_id) ON DELETE CASCADE,
  connector_id   VARCHAR(64) NOT NULL,
  run_id         BIGINT      NOT NULL,
  sha256         VARCHAR(64) NOT NULL,
  PRIMARY KEY (evaluation_id, connector_id)
);
CREATE INDEX evaluation_snapshot_by_run ON evaluation_snapshot (run_id);

-- The rule packs an evaluation ran: content hash, parameter values in force, and the error when
-- the pack failed (its verdicts are then absent from the record).
CREATE TABLE evaluation_pack (
  evaluation_id  BIGINT       NOT NULL REFERENCES evaluation_record (evaluation_id) ON DELETE CASCADE,
  pack           VARCHAR(100) NOT NULL,
  content_hash   VARCHAR(64)  NOT NULL,
  parameters     TEXT         NOT NULL, -- JSON object: name -> value
  error          TEXT,
  PRIMARY KEY (evaluation_id, pack)
);
CREATE INDEX evaluation_pack_by_hash ON evaluation_pack (content_hash);

-- Hashing a snapshot once, when it is stored: an evaluation then reads the hash, not the text.
-- Runs stored before this version get theirs at the first evaluation that reads them.
ALTER TABLE connector_run ADD COLUMN facts_sha256 VARCHAR(64);
