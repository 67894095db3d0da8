-- The rows a reconciliation writes beside each finding (its controls, owners and events) carry no
-- foreign key to finding on H2 either, as on PostgreSQL since V107 (issue #14: the first evaluation
-- at 1,000,000 facts on H2 spent about 37 s writing 304,476 new findings). On H2 each of these keys
-- had an index of its own on finding_id beside the primary key or index that already starts with
-- it (V1 declares the key first), so every control, owner and event written was one more B-tree
-- entry to insert and for the commit to visit again, plus a look-up of its finding (docs/benchmarks.md,
-- "First evaluation's store on H2: the children's keys").
--
-- What the keys guarded still holds, as V107 says: these rows are written only with their finding,
-- in the transaction that writes it, and no finding is ever deleted (finding events are
-- hash-chained: docs/evidence.md). finding_workflow keeps its key (it shares the primary key's index).
--
-- H2 named the keys itself, and the names it makes up depend on what else the schema held (Flyway's
-- history table, for one): each key is found by what it is, the table's foreign key to finding,
-- and dropped by that name, a table without one left alone.
EXECUTE IMMEDIATE COALESCE((SELECT 'ALTER TABLE finding_control DROP CONSTRAINT ' || QUOTE_IDENT(t.CONSTRAINT_NAME)
  FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t JOIN INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = t.CONSTRAINT_NAME
  JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS u
    ON u.CONSTRAINT_SCHEMA = r.UNIQUE_CONSTRAINT_SCHEMA AND u.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME
  WHERE t.TABLE_SCHEMA = SCHEMA() AND t.TABLE_NAME = 'FINDING_CONTROL' AND t.CONSTRAINT_TYPE = 'FOREIGN KEY'
    AND u.TABLE_NAME = 'FINDING'), 'SET @V135 = 0');
EXECUTE IMMEDIATE COALESCE((SELECT 'ALTER TABLE finding_owner DROP CONSTRAINT ' || QUOTE_IDENT(t.CONSTRAINT_NAME)
  FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t JOIN INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = t.CONSTRAINT_NAME
  JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS u
    ON u.CONSTRAINT_SCHEMA = r.UNIQUE_CONSTRAINT_SCHEMA AND u.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME
  WHERE t.TABLE_SCHEMA = SCHEMA() AND t.TABLE_NAME = 'FINDING_OWNER' AND t.CONSTRAINT_TYPE = 'FOREIGN KEY'
    AND u.TABLE_NAME = 'FINDING'), 'SET @V135 = 0');
EXECUTE IMMEDIATE COALESCE((SELECT 'ALTER TABLE finding_event DROP CONSTRAINT ' || QUOTE_IDENT(t.CONSTRAINT_NAME)
  FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t JOIN INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = t.CONSTRAINT_NAME
  JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS u
    ON u.CONSTRAINT_SCHEMA = r.UNIQUE_CONSTRAINT_SCHEMA AND u.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME
  WHERE t.TABLE_SCHEMA = SCHEMA() AND t.TABLE_NAME = 'FINDING_EVENT' AND t.CONSTRAINT_TYPE = 'FOREIGN KEY'
    AND u.TABLE_NAME = 'FINDING'), 'SET @V135 = 0');
