-- The rows a reconciliation writes beside each finding (its controls, owners and events) no longer
-- carry a foreign key to finding on PostgreSQL (issue #14). Each key was checked per inserted row by
-- a trigger that looks the finding up and locks it (FOR KEY SHARE): 100,000 new findings reconciled
-- on PostgreSQL took 17.5 s with the keys and 9.8 s without them, measured back to back at load
-- average 13-15 (FindingsApiBench 100000 postgres 0; docs/benchmarks.md, "Reconciliation write path").
--
-- What the keys guarded still holds: these rows are written only with their finding, in the
-- transaction that writes it (FindingRepository.apply, the review workflow's events for findings it
-- read), and no finding is ever deleted (the finding events are hash-chained: docs/evidence.md), so
-- no row can point at a finding that is not there, and ON DELETE CASCADE never had anything to do.
-- H2 keeps its keys: their names are generated, and its check is an index probe without a lock.
ALTER TABLE finding_control DROP CONSTRAINT IF EXISTS finding_control_finding_id_fkey;
ALTER TABLE finding_owner DROP CONSTRAINT IF EXISTS finding_owner_finding_id_fkey;
ALTER TABLE finding_event DROP CONSTRAINT IF EXISTS finding_event_finding_id_fkey;
