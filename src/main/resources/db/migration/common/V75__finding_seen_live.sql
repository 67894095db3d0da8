-- A finding violated in the last evaluation of its rule is seen_live: its last seen is the start of
-- the latest evaluation run, derived when read (FindingRepository.LAST_SEEN), so a finding seen again
-- unchanged writes nothing. Existing rows keep their stored last_seen until the next evaluation sees
-- them. Portable H2 2.x / PostgreSQL 13+.
ALTER TABLE finding ADD COLUMN seen_live BOOLEAN NOT NULL DEFAULT FALSE;
