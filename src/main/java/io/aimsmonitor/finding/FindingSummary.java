package io.aimsmonitor.finding;

import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.rules.Severity;
import java.time.Instant;
import java.util.List;

/**
 * A finding as lists show it: everything but its evidence and remediation, which only the detail
 * view ({@code /api/findings/{id}}) and exports read, so that a page of findings costs one narrow
 * query however large the evidence.
 *
 * @param source the connector instance whose facts were decided on; null for organisation-level subjects
 * @param owners the subject's accountable owners as its source records them
 */
public record FindingSummary(
    String id,
    String ruleId,
    String pack,
    String title,
    Severity severity,
    List<String> controls,
    String message,
    Subject subject,
    String source,
    List<String> owners,
    Finding.Status status,
    boolean stale,
    Instant firstSeen,
    Instant lastSeen,
    Instant resolvedAt) {

  public FindingSummary {
    controls = List.copyOf(controls);
    owners = List.copyOf(owners);
  }
}
