package io.aimsmonitor.schedule;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.finding.Staleness;
import io.aimsmonitor.rules.RuleDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Staleness by dependency, built once per evaluation: a not-fresh source X holds a finding (rule R,
 * subject S) stale when
 * <ol>
 *   <li>S's fact came from X, or</li>
 *   <li>R reads facts of a type X provides beyond S's own fact (a join, {@code not}/{@code exists},
 *       a collect, or a second pattern of S's type), unless that type is {@link TrainingRun}, X
 *       declares the namespaces its runs live in, and the namespace S's run reference points into
 *       is not among them (a run of X can never join S).</li>
 * </ol>
 * A finding whose subject's source is fresh but whose fact is gone from it cannot be violated any
 * more, whatever X would say: nothing holds it. See docs/architecture.md.
 */
final class SourceDependencies implements Staleness {

  /** One source that was not collected fresh: what it may provide, and where its runs live if known. */
  record NotFresh(String source, Set<Class<? extends Fact>> provides, Optional<Set<String>> runNamespaces) {}

  private final List<NotFresh> notFresh;
  private final Set<String> notFreshIds;
  private final Map<String, Fact> factsBySubject;

  SourceDependencies(List<NotFresh> notFresh, List<? extends Fact> facts) {
    this.notFresh = List.copyOf(notFresh);
    this.notFreshIds = new java.util.HashSet<>();
    notFresh.forEach(n -> notFreshIds.add(n.source()));
    this.factsBySubject = new HashMap<>();
    if (!notFresh.isEmpty()) {
      for (Fact f : facts) {
        factsBySubject.putIfAbsent(f.subject().key(), f);
      }
    }
  }

  boolean isEmpty() {
    return notFresh.isEmpty();
  }

  @Override
  public Set<String> heldBy(RuleDefinition rule, Subject subject, String subjectSource) {
    if (notFresh.isEmpty() || rule == null) {
      return Set.of();
    }
    Fact subjectFact = factsBySubject.get(subject.key());
    if (subjectSource != null && !notFreshIds.contains(subjectSource) && subjectFact == null) {
      return Set.of(); // the subject is gone from a fresh source: no verdict can be against it
    }
    String runNamespace = subjectFact instanceof ModelVersion m ? m.sourceRunNamespace() : null;
    Set<String> out = new TreeSet<>();
    for (NotFresh x : notFresh) {
      if (x.source().equals(subjectSource)) {
        out.add(x.source());
        continue;
      }
      for (Class<? extends Fact> type : x.provides()) {
        if (!rule.readsBeyondSubject(type, subject.type())) {
          continue;
        }
        if (type == TrainingRun.class && runNamespace != null && x.runNamespaces().isPresent()
            && !x.runNamespaces().get().contains(runNamespace)) {
          continue; // X's runs live elsewhere: they can never join this version
        }
        out.add(x.source());
        break;
      }
    }
    return out;
  }
}
