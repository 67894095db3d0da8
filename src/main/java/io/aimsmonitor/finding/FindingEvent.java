package io.aimsmonitor.finding;

import java.time.Instant;

/**
 * One change in a finding's history. Evaluation writes {@code OPENED}, {@code SEEN_AGAIN} (seen
 * again with different evidence or message), {@code STALE} (evidence could not be refreshed),
 * {@code REFRESHED} (evidence fresh again), {@code RESOLVED} and {@code REOPENED}, with actor
 * {@code system}. A re-observation with unchanged evidence only moves {@code lastSeen}, so the
 * history stays readable over thousands of cycles.
 *
 * <p>The review workflow (docs/review.md) writes {@code ACKNOWLEDGED}, {@code ASSIGNED},
 * {@code COMMENTED}, {@code DUE_DATE_SET}, {@code WAIVER_REQUESTED} (awaiting a second reviewer),
 * {@code WAIVED} and {@code UNWAIVED} (the waiver expired or was revoked: the finding is back),
 * with the person who acted as actor ({@code system} when an evaluation noticed an expiry).
 */
public record FindingEvent(String findingId, Instant at, Type type, String actor, String detail) {

  public enum Type { OPENED, SEEN_AGAIN, STALE, REFRESHED, RESOLVED, REOPENED,
    ACKNOWLEDGED, ASSIGNED, COMMENTED, DUE_DATE_SET, WAIVER_REQUESTED, WAIVED, UNWAIVED }

  public static final String SYSTEM = "system";
}
