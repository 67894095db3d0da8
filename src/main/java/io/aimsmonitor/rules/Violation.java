package io.aimsmonitor.rules;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.aimsmonitor.fact.Subject;
import java.util.List;
import java.util.Map;

/**
 * What a rule emits: this subject breaks this rule, in this sentence, on this evidence.
 *
 * @param message a sentence naming the subject, e.g. "Model fraud-detector v7 is in production without an owner."
 * @param evidence the fact values the rule decided on (plus, added by evaluation, the snapshots they came from)
 * @param owners the accountable owners the subject's source records (empty when it records none);
 *     what the findings API filters by owner and notifications route on
 */
public record Violation(String ruleId, Subject subject, String message,
    @JsonFormat(with = JsonFormat.Feature.WRITE_SORTED_MAP_ENTRIES) Map<String, Object> evidence,
    List<String> owners) {
  public Violation {
    evidence = Map.copyOf(evidence);
    owners = owners == null ? List.of() : List.copyOf(owners);
  }

  /** A violation about a subject with no recorded owner. */
  public Violation(String ruleId, Subject subject, String message, Map<String, Object> evidence) {
    this(ruleId, subject, message, evidence, List.of());
  }
}
