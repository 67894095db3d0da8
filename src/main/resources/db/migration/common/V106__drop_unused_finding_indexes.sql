-- Indexes no query uses, dropped: each one cost every insert of a finding or owner and every update
-- of the column it covers (issue #14: 100,000 new findings reconciled on PostgreSQL in 11-13 s against
-- a 10 s target, three quarters of the server's time for the finding rows being their indexes).
-- Portable H2 2.x / PostgreSQL 13+.
--
-- finding_by_rule (rule_id): the leading column of finding_page_by_rule (rule_id, id), which serves
-- the rule filter and the rule sort alike.
DROP INDEX IF EXISTS finding_by_rule;
-- finding_by_status (status, severity): the status filter and the reads of the open findings use
-- finding_page_by_status_severity (status, severity_rank, id); nothing filters or sorts on the
-- severity text (the list sorts on severity_rank).
DROP INDEX IF EXISTS finding_by_status;
-- finding_page_by_last_seen (last_seen, id): the lastSeen sort orders by the derived last seen
-- (FindingRepository.LAST_SEEN, a CASE over seen_live and the latest evaluation run), which this index
-- cannot serve, and no query filters on last_seen. Without it, the update of last_seen alone (a
-- finding not seen, or seen again outside the live set) touches no index on PostgreSQL when the row
-- stays on its page.
DROP INDEX IF EXISTS finding_page_by_last_seen;
-- finding_owner_by_owner (owner): the owner filter compares LOWER(owner) within a finding's rows,
-- read through the primary key (finding_id, owner); no query looks owners up by value.
DROP INDEX IF EXISTS finding_owner_by_owner;
