-- The review workflow beside the computed status (docs/review.md). Portable between H2 2.x and PostgreSQL.

-- Waivers: accepted risks, for one finding or for a rule over a subject pattern. Never deleted:
-- revoking or expiring only ends them, so the record of who accepted what stays.
CREATE TABLE waiver (
  id               VARCHAR(64)   PRIMARY KEY,
  scope            VARCHAR(16)   NOT NULL,
  finding_id       VARCHAR(64),
  rule_id          VARCHAR(200),
  subject_pattern  VARCHAR(1000),
  justification    TEXT          NOT NULL,
  requested_by     VARCHAR(200)  NOT NULL,
  requested_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  approved_by      VARCHAR(200),
  approved_at      TIMESTAMP WITH TIME ZONE,
  expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_by       VARCHAR(200),
  revoked_at       TIMESTAMP WITH TIME ZONE,
  revoke_reason    TEXT
);
CREATE INDEX waiver_by_finding ON waiver (finding_id);
CREATE INDEX waiver_by_rule ON waiver (rule_id);

-- The people side of one finding: acknowledgement, assignee, due date, and the waiver in force
-- (as of the last evaluation or waiver action). A finding without a row has none of these.
-- waiver_id has no foreign key: waivers kept in a file (aims.review.waivers-file) are not rows.
CREATE TABLE finding_workflow (
  finding_id        VARCHAR(64)  PRIMARY KEY REFERENCES finding (id) ON DELETE CASCADE,
  acknowledged_by   VARCHAR(200),
  acknowledged_at   TIMESTAMP WITH TIME ZONE,
  assignee          VARCHAR(200),
  assignee_source   VARCHAR(16),
  due_at            TIMESTAMP WITH TIME ZONE,
  waiver_id         VARCHAR(64)
);
CREATE INDEX finding_workflow_by_waiver ON finding_workflow (waiver_id);
CREATE INDEX finding_workflow_by_assignee ON finding_workflow (assignee);
