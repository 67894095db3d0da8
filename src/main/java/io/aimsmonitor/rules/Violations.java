package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.runtime.rule.RuleContext;

/**
 * The {@code violations} global every rule reports through:
 * <pre>
 * then
 *   violations.report(kcontext, $m, "Model " + $m.modelName() + " has no owner.", "owners", $m.owners());
 * </pre>
 * The rule id is taken from the firing rule, so a rule cannot report under another's name.
 * Evidence is given as alternating names and values; a null value is recorded as missing.
 */
public final class Violations {

  private final List<Violation> reported = new ArrayList<>();

  public void report(RuleContext kcontext, Fact subject, String message, Object... evidence) {
    Map<String, Object> values = evidence(kcontext, evidence);
    values.put("source", subject.source());
    reported.add(new Violation(kcontext.getRule().getName(), subject.subject(), message, values, ownersOf(subject)));
  }

  /** The accountable owners a fact records; facts without an owner field have none. */
  static List<String> ownersOf(Fact fact) {
    if (fact instanceof ModelVersion m) {
      return m.owners();
    }
    if (fact instanceof Dataset d) {
      return d.owners();
    }
    return List.of();
  }

  /**
   * Reports about something no fact stands for, because the violation is that it is missing:
   * "the organisation has no approved AI policy". The subject key must still be stable, e.g.
   * {@code new Subject("Organisation", "organisation:ai-policy", "AI policy of the organisation", null)}.
   */
  public void report(RuleContext kcontext, Subject subject, String message, Object... evidence) {
    reported.add(new Violation(kcontext.getRule().getName(), subject, message, evidence(kcontext, evidence)));
  }

  private static Map<String, Object> evidence(RuleContext kcontext, Object[] evidence) {
    if (evidence.length % 2 != 0) {
      throw new IllegalArgumentException("rule " + kcontext.getRule().getName()
          + ": evidence must be name/value pairs, got an odd count");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < evidence.length; i += 2) {
      values.put(String.valueOf(evidence[i]), evidence[i + 1] == null ? "(missing)" : evidence[i + 1]);
    }
    return values;
  }

  public List<Violation> reported() {
    return List.copyOf(reported);
  }
}
