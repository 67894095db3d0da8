-- Findings API: keyset (cursor) paging and the source and owner filters. Portable H2 2.x / PostgreSQL 13+.

-- Severity as a number that sorts (info 0 .. critical 4): the findings list pages on (severity_rank, id)
-- without a CASE in ORDER BY, so an index serves the order and the cursor.
ALTER TABLE finding ADD COLUMN severity_rank SMALLINT NOT NULL DEFAULT 0;
UPDATE finding SET severity_rank = CASE severity WHEN 'CRITICAL' THEN 4 WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2
  WHEN 'LOW' THEN 1 ELSE 0 END;

-- The connector instance whose facts the rule decided on (evidence.source); null for organisation-level
-- subjects. Existing rows: a subject key starts with its connector id, taken only where the evidence agrees.
ALTER TABLE finding ADD COLUMN source VARCHAR(64);
UPDATE finding SET source = SUBSTRING(subject_key, 1, POSITION(':' IN subject_key) - 1)
  WHERE POSITION(':' IN subject_key) > 1
    AND evidence LIKE '%"source":"' || SUBSTRING(subject_key, 1, POSITION(':' IN subject_key) - 1) || '"%';

-- Accountable owners of each finding's subject, as its source records them. Existing findings get theirs
-- at the next evaluation that sees them.
CREATE TABLE finding_owner (
  finding_id  VARCHAR(64)  NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
  owner       VARCHAR(300) NOT NULL,
  PRIMARY KEY (finding_id, owner)
);
CREATE INDEX finding_owner_by_owner ON finding_owner (owner);

-- One index per sort order (key, then id as the tie-breaker), with and without the usual status filter.
CREATE INDEX finding_page_by_severity ON finding (severity_rank, id);
CREATE INDEX finding_page_by_status_severity ON finding (status, severity_rank, id);
CREATE INDEX finding_page_by_first_seen ON finding (first_seen, id);
CREATE INDEX finding_page_by_last_seen ON finding (last_seen, id);
CREATE INDEX finding_page_by_rule ON finding (rule_id, id);
CREATE INDEX finding_by_source ON finding (source);
