-- Issue #14 (the 1% cycle's record phase on H2): H2 2.x maps TEXT to CHARACTER VARYING, which it
-- keeps inside the row, so a whole verdict set (tens of MB of JSON at 1,000,000 facts) was one row
-- that H2 decoded in full whenever the row was read, even by the record phase's check of whether a
-- set is stored (EvaluationRecords.stored, which selects only the small columns): 24 MB read and
-- about 48 MB of strings on every cycle that decides as an earlier one. As CLOB, H2 keeps a long
-- value in its LOB storage and the row holds a reference, read only when the column is. PostgreSQL
-- already stores long TEXT out of line (TOAST), so it keeps TEXT.
ALTER TABLE verdict_set ALTER COLUMN verdicts SET DATA TYPE CLOB;
ALTER TABLE verdict_set ALTER COLUMN removed_verdicts SET DATA TYPE CLOB;
