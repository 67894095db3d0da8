-- Issue #14 (the first evaluation's store on H2): every new finding gets a finding_workflow row in
-- the store's transaction (304,476 at 1,000,000 facts), and each entry of each of its indexes is
-- written and then visited again by H2's commit. No H2 plan reads finding_workflow_by_assignee: the
-- only query by assignee, the findings filter (FindingFilter.assignee), is an EXISTS per finding that
-- H2 answers through the primary key (finding_id) with or without it (EXPLAIN, FindingQueryH2Test).
-- PostgreSQL keeps it (its plans were not measured for this).
DROP INDEX IF EXISTS finding_workflow_by_assignee;
