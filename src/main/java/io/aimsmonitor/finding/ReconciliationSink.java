package io.aimsmonitor.finding;

import io.aimsmonitor.fact.Fact;
import java.util.List;
import java.util.Set;

/**
 * Where an evaluation's reconciliation goes. The plain store applies it; the review workflow
 * applies it and, in the same transaction, brings waivers (expired, revoked, newly matching) and
 * default assignees up to date, so that no reader ever sees a waived finding counted as open in
 * between, whichever path ran the evaluation (schedule, run now, {@code scan}).
 */
@FunctionalInterface
public interface ReconciliationSink {

  /**
   * @param facts the in-scope facts the evaluation read (owners of subjects come from them)
   * @param changedSubjects the subjects whose facts were inserted, updated or deleted since the
   *     evaluation stored before this one (empty: no fact changed), so that a sink can redo only
   *     what depends on them; null when not known (the first evaluation, a full reconciliation)
   */
  void store(Reconciler.Result result, List<Fact> facts, Set<String> changedSubjects);
}
