package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Subject;
import java.util.Map;

/**
 * What a rule emits: this subject breaks this rule, in this sentence, on this evidence.
 *
 * @param message a sentence naming the subject, e.g. "Model fraud-detector v7 is in production without an owner."
 * @param evidence the fact values the rule decided on (plus, added by evaluation, the snapshots they came from)
 */
public record Violation(String ruleId, Subject subject, String message, Map<String, Object> evidence) {
  public Violation {
    evidence = Map.copyOf(evidence);
  }
}
