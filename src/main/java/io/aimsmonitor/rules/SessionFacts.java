package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * What one session is given of the estate, and keeps being given as it changes: the facts its
 * pack's network admits ({@link FactTypes#admits}), and of a class the pack declares semi-joined
 * ({@link FactTypes.SemiJoin}, e.g. {@code TrainingRun.ref == ModelVersion.sourceRun}) only those
 * that a fact it holds of the other class names. Invariant after {@link #insertAll} and each
 * {@link #apply}: the session holds exactly {@link #held given} facts of the current generation,
 * so an incremental session holds what a fresh one given the whole generation would.
 *
 * <p>Per semi-join it keeps how many held facts name each key (a count, since several versions
 * may name one run). Not thread-safe: used on the session's evaluation thread only.
 */
final class SessionFacts {

  private final KieSession session;
  private final FactTypes reads;
  private final List<Names> joins = new ArrayList<>();

  /** For one semi-join: how many held facts of {@code by} name each key, and this apply's changes to that. */
  private static final class Names {
    final FactTypes.SemiJoin join;
    final Map<Object, Integer> counts = new HashMap<>();
    final Map<Object, Integer> delta = new HashMap<>();

    Names(FactTypes.SemiJoin join) {
      this.join = join;
    }

    boolean namedBefore(Object key) {
      return key != null && counts.getOrDefault(key, 0) > 0;
    }

    boolean namedAfter(Object key) {
      return key != null && counts.getOrDefault(key, 0) + delta.getOrDefault(key, 0) > 0;
    }

    void add(Map<Object, Integer> into, Object byFact, int sign) {
      Object key = join.nameOf(byFact);
      if (key != null) {
        into.merge(key, sign, Integer::sum);
      }
    }

    /** The keys whose naming this apply turns on or off. */
    Set<Object> flipped() {
      Set<Object> out = new HashSet<>();
      delta.forEach((key, d) -> {
        if (d != 0 && namedBefore(key) != namedAfter(key)) {
          out.add(key);
        }
      });
      return out;
    }

    void commit() {
      delta.forEach((key, d) -> {
        int n = counts.getOrDefault(key, 0) + d;
        if (n > 0) {
          counts.put(key, n);
        } else {
          counts.remove(key);
        }
      });
      delta.clear();
    }
  }

  SessionFacts(KieSession session, FactTypes reads) {
    this.session = session;
    this.reads = reads;
    reads.semiJoins().forEach(j -> joins.add(new Names(j)));
  }

  /** Gives a fresh session the facts of a whole generation that it is to hold. */
  void insertAll(List<? extends Fact> facts) {
    if (!joins.isEmpty()) {
      for (Fact fact : facts) { // the names first, so that a run is given whatever the order of the list
        for (Names names : joins) {
          if (names.join.by().isInstance(fact) && reads.admits(session, fact)) {
            names.add(names.counts, fact, 1);
          }
        }
      }
    }
    for (Fact fact : facts) {
      if (held(fact, false)) {
        session.insert(fact);
      }
    }
  }

  /**
   * Gives a session that holds the previous generation's facts this generation's changes. An
   * update pairs facts of one identity, so of one class, but one side only may be given (a version
   * promoted to or demoted from production; a run a production version starts or stops naming):
   * then it is an insert or a delete here. A run that did not change is inserted or deleted when
   * the versions naming it come or go. A fact given before is held: one that is not is a bug, which
   * fails the pack (it then starts afresh).
   */
  void apply(FactChanges.Changes changes) {
    for (Names names : joins) { // how this generation changes what the held facts name
      for (FactChanges.Update u : changes.updated()) {
        if (names.join.by().isInstance(u.before())) {
          if (reads.admits(session, u.before())) {
            names.add(names.delta, u.before(), -1);
          }
          if (reads.admits(session, u.after())) {
            names.add(names.delta, u.after(), 1);
          }
        }
      }
      for (Fact gone : changes.deleted()) {
        if (names.join.by().isInstance(gone) && reads.admits(session, gone)) {
          names.add(names.delta, gone, -1);
        }
      }
      for (Fact fact : changes.inserted()) {
        if (names.join.by().isInstance(fact) && reads.admits(session, fact)) {
          names.add(names.delta, fact, 1);
        }
      }
    }
    for (FactChanges.Update u : changes.updated()) {
      boolean was = held(u.before(), false);
      boolean is = held(u.after(), true);
      if (was && is) {
        session.update(handle(u.before()), u.after());
      } else if (was) {
        session.delete(handle(u.before())); // e.g. a version no longer in production
      } else if (is) {
        session.insert(u.after()); // e.g. a version promoted to production
      }
    }
    for (Fact gone : changes.deleted()) {
      if (held(gone, false)) {
        session.delete(handle(gone));
      }
    }
    for (Fact fact : changes.inserted()) {
      if (held(fact, true)) {
        session.insert(fact);
      }
    }
    for (Names names : joins) {
      Set<Object> flipped = names.flipped();
      if (!flipped.isEmpty()) {
        namedAnew(names, flipped, changes);
      }
    }
    joins.forEach(Names::commit);
  }

  /**
   * The unchanged facts of a semi-joined class whose key a held fact started or stopped naming:
   * given now, or taken back. The changed ones were decided above, with the names after. One pass
   * over the generation, only when some naming changed (a version promoted, retired, re-pointed).
   */
  private void namedAnew(Names names, Set<Object> flipped, FactChanges.Changes changes) {
    Set<Object> changed = Collections.newSetFromMap(new IdentityHashMap<>());
    changes.inserted().forEach(changed::add);
    changes.updated().forEach(u -> changed.add(u.after()));
    for (Fact fact : changes.current()) {
      if (!names.join.type().isInstance(fact) || changed.contains(fact)) {
        continue;
      }
      Object key = names.join.keyOf(fact);
      if (!flipped.contains(key) || !reads.admits(session, fact)) {
        continue;
      }
      if (names.namedAfter(key)) {
        session.insert(fact);
      } else {
        session.delete(handle(fact));
      }
    }
  }

  /** Whether the session is to hold {@code fact}: admitted, and when semi-joined, named (before or after this apply). */
  private boolean held(Object fact, boolean after) {
    if (!reads.admits(session, fact)) {
      return false;
    }
    for (Names names : joins) {
      if (names.join.type().isInstance(fact)) {
        Object key = names.join.keyOf(fact);
        return after ? names.namedAfter(key) : names.namedBefore(key);
      }
    }
    return true;
  }

  private FactHandle handle(Object fact) {
    FactHandle handle = session.getFactHandle(fact);
    if (handle == null) { // a bug, not bad input: fail the pack, which then starts afresh
      throw new IllegalStateException("the incremental session does not hold " + FactChanges.Key.of((Fact) fact));
    }
    return handle;
  }
}
