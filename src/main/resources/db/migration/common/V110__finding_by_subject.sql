-- The open findings about given subjects: an evaluation's waiver and assignee sync reads only the
-- findings whose subject's owner changed (ReviewService.store), not every open finding.
CREATE INDEX finding_by_subject ON finding (subject_key);
