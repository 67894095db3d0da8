package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
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
    if (evidence.length % 2 != 0) {
      throw new IllegalArgumentException("rule " + kcontext.getRule().getName()
          + ": evidence must be name/value pairs, got an odd count");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < evidence.length; i += 2) {
      values.put(String.valueOf(evidence[i]), evidence[i + 1] == null ? "(missing)" : evidence[i + 1]);
    }
    values.put("source", subject.source());
    reported.add(new Violation(kcontext.getRule().getName(), subject.subject(), message, values));
  }

  public List<Violation> reported() {
    return List.copyOf(reported);
  }
}
