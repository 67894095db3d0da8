package io.aimsmonitor.review;

import io.aimsmonitor.finding.Waiver;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The rules every waiver must meet, whether requested through the API or kept in the waivers
 * file: a justification of the configured minimum length, an expiry after the request and no later
 * than the configured maximum, a scope that names something, and, in four-eyes mode, an approver
 * who is not the requester. Each violation is an {@link IllegalArgumentException} saying which.
 */
public final class WaiverPolicy {

  private final ReviewProperties props;
  private final Supplier<Set<String>> loadedRules;

  /**
   * @param loadedRules ids of the rules in force; a rule waiver must name one
   */
  public WaiverPolicy(ReviewProperties props, Supplier<Set<String>> loadedRules) {
    this.props = props;
    this.loadedRules = loadedRules;
  }

  public ReviewProperties properties() {
    return props;
  }

  /** Checks a request made at {@code now}; returns the scope it asks for. */
  public Waiver.Scope check(WaiverRequest r, Instant now) {
    Waiver.Scope scope;
    if (r.findingId() != null && !r.findingId().isBlank()) {
      if (r.ruleId() != null || r.subjectPattern() != null) {
        throw new IllegalArgumentException("a waiver covers either one finding (findingId) or a rule and a subject"
            + " pattern (ruleId, subjectPattern), not both");
      }
      scope = Waiver.Scope.FINDING;
    } else {
      if (r.ruleId() == null || r.ruleId().isBlank() || r.subjectPattern() == null || r.subjectPattern().isBlank()) {
        throw new IllegalArgumentException("a waiver needs findingId, or ruleId and subjectPattern");
      }
      if (r.subjectPattern().replace("*", "").isBlank()) {
        throw new IllegalArgumentException("subjectPattern '" + r.subjectPattern() + "' matches every subject; name the"
            + " subjects (e.g. 'mlflow-prod:fraud-detector/*'), or turn the rule off in its pack instead");
      }
      if (!loadedRules.get().contains(r.ruleId())) {
        throw new IllegalArgumentException("ruleId '" + r.ruleId() + "' is not a rule in force");
      }
      scope = Waiver.Scope.RULE;
    }
    String justification = r.justification() == null ? "" : r.justification().strip();
    if (justification.length() < props.minJustificationLength()) {
      throw new IllegalArgumentException("justification must have at least " + props.minJustificationLength()
          + " characters (aims.review.min-justification-length), got " + justification.length());
    }
    checkExpiry(r.expiresAt(), now);
    return scope;
  }

  /** An expiry must come after the request and no later than the maximum duration after it. */
  public void checkExpiry(Instant expiresAt, Instant requestedAt) {
    if (expiresAt == null) {
      throw new IllegalArgumentException("expiresAt is required: a waiver always ends (at most "
          + props.maxWaiverDuration().toDays() + " days, aims.review.max-waiver-duration)");
    }
    if (!expiresAt.isAfter(requestedAt)) {
      throw new IllegalArgumentException("expiresAt " + expiresAt + " is not after the request (" + requestedAt + ")");
    }
    Instant latest = requestedAt.plus(props.maxWaiverDuration());
    if (expiresAt.isAfter(latest)) {
      throw new IllegalArgumentException("expiresAt " + expiresAt + " is later than the maximum of "
          + props.maxWaiverDuration().toDays() + " days after the request (" + latest + ", aims.review.max-waiver-duration)");
    }
  }

  /**
   * In four-eyes mode, whoever requested a waiver cannot approve it, and an approver nobody
   * authenticated ({@value ReviewService#ANONYMOUS}) cannot prove to be someone else.
   */
  public void checkApprover(Waiver w, String approver) {
    if (props.fourEyes() && ReviewService.ANONYMOUS.equals(approver)) {
      throw new ForbiddenActionException("four-eyes mode needs an authenticated approver: waiver " + w.id()
          + " cannot be approved by an anonymous request");
    }
    if (props.fourEyes() && w.requestedBy().equalsIgnoreCase(approver)) {
      throw new ForbiddenActionException("four-eyes mode: waiver " + w.id() + " was requested by " + w.requestedBy()
          + ", who cannot also approve it; another reviewer must");
    }
  }
}
