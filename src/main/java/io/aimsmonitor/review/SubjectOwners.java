package io.aimsmonitor.review;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who owns the subject of a finding, as the registry or catalog records it: the default assignee.
 * A model version's and a dataset's owners are their own; a training run belongs to the model
 * version it produced (same source, which is the system its run id points into), a monitor to the
 * model version it watches, an attestation to the production model versions of its AI system.
 * With several owners the first listed is taken: the registry's order is the owner's own.
 *
 * <p>The owners are a function of the set of facts, not of their order: where several model
 * versions stand for one run, model version or system (or one subject has several facts), the one
 * with the smallest subject key (then owner) counts. So a collection that returns the same facts in
 * another order moves no assignee, and an evaluation in which no fact changed keeps the owners of
 * the one before ({@link ReviewService#store}).
 */
public final class SubjectOwners {

  private final Map<String, Owned> ownerBySubject;

  /** A subject's owner, and the subject's type (so that its findings' ids can be derived). */
  private record Owned(String owner, String subjectType) {}

  private SubjectOwners(Map<String, Owned> ownerBySubject) {
    this.ownerBySubject = ownerBySubject;
  }

  /** A candidate owner and the subject it comes from, ordered so that the choice is the same whatever the facts' order. */
  private record Candidate(String subjectKey, String owner, String subjectType) {
    boolean before(Candidate other) {
      int bySubject = subjectKey.compareTo(other.subjectKey);
      return bySubject < 0 || (bySubject == 0 && owner.compareTo(other.owner) < 0);
    }
  }

  private static void offer(Map<String, Candidate> map, String key, Candidate c) {
    map.merge(key, c, (a, b) -> b.before(a) ? b : a);
  }

  public static SubjectOwners of(List<Fact> facts) {
    Map<String, Candidate> own = new HashMap<>();
    Map<String, Candidate> byRun = new HashMap<>();
    Map<String, Candidate> byModelVersion = new HashMap<>();
    Map<String, Candidate> bySystem = new HashMap<>();
    for (Fact f : facts) {
      if (f instanceof ModelVersion m && !m.owners().isEmpty()) {
        Candidate c = new Candidate(m.subject().key(), m.owners().get(0), m.subject().type());
        offer(own, c.subjectKey(), c);
        if (m.sourceRunId() != null) {
          offer(byRun, m.source() + "\u0000" + m.sourceRunId(), c);
        }
        offer(byModelVersion, m.modelName() + "\u0000" + m.version(), c);
        if (m.isProduction()) {
          offer(bySystem, m.system(), c);
        }
      } else if (f instanceof Dataset d && !d.owners().isEmpty()) {
        offer(own, d.subject().key(), new Candidate(d.subject().key(), d.owners().get(0), d.subject().type()));
      }
    }
    Map<String, Candidate> derived = new HashMap<>();
    for (Fact f : facts) {
      Candidate from = null;
      if (f instanceof TrainingRun r) {
        from = byRun.get(r.source() + "\u0000" + r.runId());
      } else if (f instanceof ModelMonitor m) {
        from = byModelVersion.get(m.modelName() + "\u0000" + m.version());
      } else if (f instanceof Attestation a) {
        from = bySystem.get(a.system());
      }
      if (from != null) {
        offer(derived, f.subject().key(), new Candidate(from.subjectKey(), from.owner(), f.subject().type()));
      }
    }
    Map<String, Owned> out = new HashMap<>();
    derived.forEach((subject, c) -> out.put(subject, new Owned(c.owner(), c.subjectType())));
    // a subject's own owner before one it takes from another
    own.forEach((subject, c) -> out.put(subject, new Owned(c.owner(), c.subjectType())));
    return new SubjectOwners(java.util.Collections.unmodifiableMap(out));
  }

  public Optional<String> ownerOf(String subjectKey) {
    Owned o = ownerBySubject.get(subjectKey);
    return o == null ? Optional.empty() : Optional.of(o.owner());
  }

  /** The subjects whose owner differs from {@code before}'s (gained, lost or another), with their subject types. */
  public Map<String, String> changedSince(SubjectOwners before) {
    Map<String, String> out = new HashMap<>();
    ownerBySubject.forEach((subject, now) -> {
      Owned then = before.ownerBySubject.get(subject);
      if (then == null || !then.owner().equals(now.owner())) {
        out.put(subject, now.subjectType());
      }
    });
    before.ownerBySubject.forEach((subject, then) -> {
      if (!ownerBySubject.containsKey(subject)) {
        out.put(subject, then.subjectType());
      }
    });
    return out;
  }
}
