-- Runs held as suspicious (issue #8: a source that suddenly returns far fewer facts has not fixed
-- everything): status HELD keeps the facts but is not a good snapshot until confirmed, by an admin
-- or by consecutive runs that agree. Who and when is recorded here.
ALTER TABLE connector_run ADD COLUMN confirmed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE connector_run ADD COLUMN confirmed_by VARCHAR(200);
