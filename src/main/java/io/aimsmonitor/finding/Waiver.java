package io.aimsmonitor.finding;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An accepted risk: while in force, the findings it covers count as waived instead of open. The
 * computed status of those findings does not change; a waiver only sits beside it.
 *
 * <p>A waiver covers one finding ({@link Scope#FINDING}) or every finding of one rule whose
 * subject key matches a pattern ({@link Scope#RULE}, e.g. {@code mlflow-prod:fraud-detector/*} for
 * every version of one model), so that a new version of an accepted model needs no new waiver.
 *
 * <p>It is in force from its approval until it expires or is revoked. Without four-eyes mode the
 * requester's own request is its approval; with it, another person must approve.
 *
 * @param id {@code W-} and 12 hex digits for waivers made through the API, {@code file:<id>} for
 *     waivers kept in the waivers file
 * @param subjectPattern for rule scope: a subject key where {@code *} stands for any characters
 */
public record Waiver(
    String id,
    Scope scope,
    String findingId,
    String ruleId,
    String subjectPattern,
    String justification,
    String requestedBy,
    Instant requestedAt,
    String approvedBy,
    Instant approvedAt,
    Instant expiresAt,
    String revokedBy,
    Instant revokedAt,
    String revokeReason) {

  public enum Scope { FINDING, RULE }

  /** Where a waiver stands at a given time. */
  public enum State { PENDING, ACTIVE, EXPIRED, REVOKED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public State state(Instant at) {
    if (revokedAt != null) {
      return State.REVOKED;
    }
    if (!expiresAt.isAfter(at)) {
      return State.EXPIRED;
    }
    return approvedAt == null ? State.PENDING : State.ACTIVE;
  }

  public boolean inForce(Instant at) {
    return state(at) == State.ACTIVE;
  }

  /** Whether this waiver covers a finding of {@code findingRuleId} about {@code subjectKey}. */
  public boolean covers(String findingIdToCheck, String findingRuleId, String subjectKey) {
    return switch (scope) {
      case FINDING -> findingId.equals(findingIdToCheck);
      case RULE -> ruleId.equals(findingRuleId) && glob(subjectPattern).matcher(subjectKey).matches();
    };
  }

  /** Whether {@code text} matches {@code pattern}, where {@code *} stands for any characters. */
  public static boolean globMatches(String pattern, String text) {
    return glob(pattern).matcher(text).matches();
  }

  /** {@code *} matches any run of characters; everything else is literal. */
  static Pattern glob(String pattern) {
    String[] parts = pattern.split("\\*", -1);
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  public Waiver approved(String by, Instant at) {
    return new Waiver(id, scope, findingId, ruleId, subjectPattern, justification, requestedBy, requestedAt, by, at,
        expiresAt, revokedBy, revokedAt, revokeReason);
  }

  public Waiver revoked(String by, Instant at, String reason) {
    return new Waiver(id, scope, findingId, ruleId, subjectPattern, justification, requestedBy, requestedAt, approvedBy,
        approvedAt, expiresAt, by, at, reason);
  }

  /** One line for a finding's history and the controls report. */
  public String describe() {
    String what = scope == Scope.FINDING ? "this finding" : "rule " + ruleId + " on " + subjectPattern;
    return "waiver " + id + " (" + what + ", requested by " + requestedBy
        + (approvedBy == null ? "" : ", approved by " + approvedBy) + ", until " + expiresAt + "): " + justification;
  }
}
