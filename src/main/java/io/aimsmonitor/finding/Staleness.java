package io.aimsmonitor.finding;

import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.rules.RuleDefinition;
import java.util.Set;

/**
 * Which sources that were not collected fresh a finding's verdict could depend on. A finding held
 * by none is decided on fresh evidence alone and may resolve; one held by any stays open, marked
 * stale. The precise rule is in docs/architecture.md ("Staleness follows what a verdict could
 * depend on"); the engine's implementation is {@code schedule.SourceDependencies}.
 */
@FunctionalInterface
public interface Staleness {

  /** Nothing is stale. */
  Staleness NONE = (rule, subject, subjectSource) -> Set.of();

  /**
   * @param rule the rule that judges the subject
   * @param subject the finding's subject
   * @param subjectSource the source of the subject's fact (the violation's evidence {@code source}),
   *     null when the subject is no fact (e.g. "the organisation's AI policy")
   * @return ids of the not-fresh sources holding the finding stale; empty when it can be decided
   */
  Set<String> heldBy(RuleDefinition rule, Subject subject, String subjectSource);

  /** Every finding of the given rules is held stale by {@code source}: the rule-level view, for tests. */
  static Staleness ofRules(Set<String> staleRules, String source) {
    return (rule, subject, subjectSource) -> staleRules.contains(rule.id()) ? Set.of(source) : Set.of();
  }
}
