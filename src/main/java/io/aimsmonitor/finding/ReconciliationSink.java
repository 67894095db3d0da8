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
   * @param changed what changed in them since the evaluation stored before this one
   *     ({@link FactDelta#NONE}: no fact changed), so that a sink can redo only what depends on it;
   *     null when not known (the first evaluation, a full reconciliation)
   */
  void store(Reconciler.Result result, List<Fact> facts, FactDelta changed);

  /**
   * The facts that changed between two evaluations.
   *
   * @param subjects the subject keys of the facts inserted, updated or deleted
   * @param removed the facts deleted, and the updated ones as they were
   * @param added the facts inserted, and the updated ones as they are now
   */
  record FactDelta(Set<String> subjects, List<Fact> removed, List<Fact> added) {
    public static final FactDelta NONE = new FactDelta(Set.of(), List.of(), List.of());
  }
}
