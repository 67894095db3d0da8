package io.aimsmonitor.finding;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.rules.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The current state of one (rule, subject) pair, derived from its {@link FindingEvent}s.
 *
 * <p>{@code status} is computed by evaluation: {@link Status#OPEN} while the rule finds the
 * violation, {@link Status#RESOLVED} once a fresh evaluation no longer does. {@code stale} marks
 * an open finding whose evidence could not be refreshed (a source failed or is overdue): it is
 * kept open, never silently resolved.
 *
 * @param id {@link #idOf}: stable across runs, restarts and replicas
 * @param evidence the fact values the rule decided on and the snapshot (run id) per source; held in
 *     any order, written with its names sorted (in JSON here, in the store and in every export), so
 *     that two runs over the same facts print the same text
 * @param owners the subject's accountable owners as its source records them (may be empty)
 */
public record Finding(
    String id,
    String ruleId,
    String pack,
    String title,
    Severity severity,
    List<String> controls,
    String message,
    String remediation,
    Subject subject,
    @JsonFormat(with = JsonFormat.Feature.WRITE_SORTED_MAP_ENTRIES)
    Map<String, Object> evidence,
    Status status,
    boolean stale,
    Instant firstSeen,
    Instant lastSeen,
    Instant resolvedAt,
    List<String> owners) {

  public Finding {
    controls = List.copyOf(controls);
    evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    owners = owners == null ? List.of() : List.copyOf(owners);
  }

  /**
   * The evidence with its names sorted: what the store and the exports write, because the record
   * holds it in a map of no fixed order (the rule's order is lost to {@code Map.copyOf}, which
   * costs less memory per finding than an ordered copy), and auditors compare exports by text.
   */
  @JsonIgnore
  public SortedMap<String, Object> sortedEvidence() {
    return new TreeMap<>(evidence);
  }

  /** A finding whose subject records no owner. */
  public Finding(String id, String ruleId, String pack, String title, Severity severity, List<String> controls,
      String message, String remediation, Subject subject, Map<String, Object> evidence, Status status, boolean stale,
      Instant firstSeen, Instant lastSeen, Instant resolvedAt) {
    this(id, ruleId, pack, title, severity, controls, message, remediation, subject, evidence, status, stale, firstSeen,
        lastSeen, resolvedAt, List.of());
  }

  /** The connector instance whose facts the rule decided on, from the evidence; null for organisation-level subjects. */
  public String source() {
    Object source = evidence.get("source");
    return source == null ? null : source.toString();
  }

  public enum Status { OPEN, RESOLVED }

  public boolean isOpen() {
    return status == Status.OPEN;
  }

  /** Identity: the first 32 hex digits of SHA-256 over rule id and subject key. */
  public static String idOf(String ruleId, String subjectKey) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((ruleId + "\u0000" + subjectKey).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
