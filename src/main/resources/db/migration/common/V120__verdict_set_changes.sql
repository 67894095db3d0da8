-- Verdict sets recorded as what changed since the previous one (issue #14): an evaluation in which
-- 1% of the verdicts changed stores and hashes that 1%, not the whole set again.
-- Portable H2 2.x / PostgreSQL 13+. See docs/evidence.md, "Evaluation records and replay".
--
-- hash_format 1 (every row stored before this version): verdicts is the whole set, sorted, and
-- sha256 is the SHA-256 of that text. hash_format 2: sha256 is the sum of the verdicts' SHA-256
-- digests modulo 2^256 (io.aimsmonitor.store.VerdictSetHash), and the row is either the whole set
-- (base_sha256 NULL; verdicts in no particular order) or a change of the set base_sha256: the
-- verdicts added in verdicts, those removed in removed_verdicts. chain_depth counts the changes
-- between the row and the whole set its chain starts from, delta_entries their verdicts: a new
-- whole set is stored when reading the chain would cost more than reading one.
ALTER TABLE verdict_set ADD COLUMN hash_format SMALLINT DEFAULT 1 NOT NULL;
ALTER TABLE verdict_set ADD COLUMN base_sha256 VARCHAR(64);
ALTER TABLE verdict_set ADD COLUMN removed_verdicts TEXT;
ALTER TABLE verdict_set ADD COLUMN chain_depth INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE verdict_set ADD COLUMN delta_entries INTEGER DEFAULT 0 NOT NULL;
