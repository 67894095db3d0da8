package io.aimsmonitor.shadow;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Violation;
import java.util.List;
import java.util.Map;

/**
 * A violation a shadow pack reports: what would be a finding if the pack were live.
 *
 * @param findingId the id the finding would have ({@link Finding#idOf}): compared with the open findings
 *     to tell new violations from ones the live packs already find
 */
public record ShadowViolation(String findingId, String ruleId, String title, String severity, List<String> controls,
    String subjectType, String subjectKey, String subjectName, String subjectUrl, String message,
    Map<String, Object> evidence, List<String> owners) {

  public ShadowViolation {
    controls = controls == null ? List.of() : List.copyOf(controls);
    evidence = evidence == null ? Map.of() : evidence;
    owners = owners == null ? List.of() : List.copyOf(owners);
  }

  static ShadowViolation of(Violation v, RuleDefinition rule) {
    return new ShadowViolation(Finding.idOf(v.ruleId(), v.subject().key()), v.ruleId(), rule.title(),
        rule.severity().label(), rule.controls(), v.subject().type(), v.subject().key(), v.subject().displayName(),
        v.subject().url(), v.message(), v.evidence(), v.owners());
  }
}
