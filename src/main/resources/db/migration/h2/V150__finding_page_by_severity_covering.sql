-- The findings API's default order (severity, then id) read from its index alone on H2 (issue #14).
--
-- WHY: H2 keeps a table's rows in one B-tree by its hidden row id, in the order they were written, and
-- a secondary index holds only its own columns and that row id. A page of 50 findings after a random
-- cursor found its 50 index entries together, then fetched each row from wherever it was written: 50
-- leaf pages of the table, most of them missing H2's page cache at 100,000 findings, and each miss
-- decodes every row of its leaf (all their strings) to use one. JFR over 32 clients on random pages put
-- a fifth of the service's CPU in those row fetches and a quarter in reading storage pages. With every
-- column a list page reads in the index (FindingRepository.SUMMARY_COLUMNS, plus seen_live for the
-- derived last seen), H2 answers the page from the index entries it walks in order, a leaf or two per
-- page, and never visits the table (H2 reads a row only for a column its index entry lacks).
--
-- Same name and leading columns as before, so it still serves the severity order and the cursor's
-- ranges (FindingSort.afterAsRanges); the status filter's pages keep finding_page_by_status_severity.
-- The cost is on writes: each new finding's entry is a copy of its summary (about 500 bytes instead of
-- about 40), and a change of a covered column (status, stale, last seen, resolved) rewrites it. Evidence
-- and remediation, the large columns, are not in it: lists never read them.
-- PostgreSQL keeps (severity_rank, id): it fetches heap rows through shared buffers cheaply, and its
-- measured pages were not dominated by row fetches (docs/benchmarks.md).
DROP INDEX IF EXISTS finding_page_by_severity;
CREATE INDEX finding_page_by_severity ON finding (severity_rank, id, rule_id, pack, title, severity, controls, message,
  subject_type, subject_key, subject_name, subject_url, source, status, stale, first_seen, last_seen, seen_live,
  resolved_at);
