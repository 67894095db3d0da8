package io.aimsmonitor.finding;

import java.time.Instant;

/**
 * The people side of one finding, beside its computed status: who acknowledged it, who must fix
 * it and by when, and the waiver in force. Every change to it is a {@link FindingEvent} with its
 * actor.
 *
 * @param state {@code open}, {@code waived} or {@code resolved}: the computed status, except that an
 *     open finding covered by a waiver in force counts as waived (in lists, the controls report and metrics)
 * @param assignee a person or team; by default the owner the registry or catalog records for the subject
 * @param assigneeSource {@code owner} (the default) or {@code explicit} (set by a reviewer); null when unassigned
 * @param dueAt set by a reviewer, or by default first seen plus the default for the finding's severity
 * @param dueSource {@code default} or {@code explicit}; null when there is no due date
 * @param waiver the waiver in force, null when none
 */
public record FindingWorkflow(
    String state,
    boolean acknowledged,
    String acknowledgedBy,
    Instant acknowledgedAt,
    String assignee,
    String assigneeSource,
    Instant dueAt,
    String dueSource,
    Waiver waiver) {

  public static final String OPEN = "open";
  public static final String WAIVED = "waived";
  public static final String RESOLVED = "resolved";

  public boolean waived() {
    return waiver != null;
  }
}
