package io.aimsmonitor.finding;

import java.time.Instant;

/**
 * One change in a finding's history. Evaluation writes {@code OPENED}, {@code SEEN_AGAIN} (seen
 * again with different evidence or message), {@code STALE} (evidence could not be refreshed),
 * {@code REFRESHED} (evidence fresh again), {@code RESOLVED} and {@code REOPENED}, with actor
 * {@code system}. A re-observation with unchanged evidence only moves {@code lastSeen}, so the
 * history stays readable over thousands of cycles.
 */
public record FindingEvent(String findingId, Instant at, Type type, String actor, String detail) {

  public enum Type { OPENED, SEEN_AGAIN, STALE, REFRESHED, RESOLVED, REOPENED }

  public static final String SYSTEM = "system";
}
