-- The web UI's overview reads recent lifecycle events (what changed since yesterday, open findings
-- over time) by time; without this index each view would scan the whole history.
CREATE INDEX finding_event_by_at ON finding_event (at, type);
