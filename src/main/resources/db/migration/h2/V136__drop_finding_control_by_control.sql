-- finding_control_by_control (control_id) is read by no query on H2, so on H2 it only cost every
-- control written: one more B-tree entry per control of each new finding, which H2's commit visits
-- again (issue #14: the first evaluation at 1,000,000 facts on H2 writes about 400,000 controls).
-- H2 runs the control filter (FindingFilter.controls), the controls report's waived counts
-- (ReviewRepository.waivedForControl) and the open counts per control (FindingRepository.openByControl)
-- as a probe of the primary key (finding_id, control_id) per finding, with or without this index
-- (their plans were compared with EXPLAIN ANALYZE, docs/benchmarks.md, "First evaluation's store on
-- H2: the children's keys"). PostgreSQL keeps it: its planner may answer a rare control's filter as a
-- semi-join through it.
DROP INDEX IF EXISTS finding_control_by_control;
