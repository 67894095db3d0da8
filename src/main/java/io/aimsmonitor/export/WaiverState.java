package io.aimsmonitor.export;

import java.time.Instant;

/**
 * A finding's waiver (accepted risk) as exports show it. The review workflow fills it through a
 * {@link WaiverLookup}; until one is wired every finding shows {@link #NONE}.
 *
 * @param status {@code none}, {@code requested}, {@code active}, {@code expired} or {@code revoked}
 * @param expiresAt when an active or requested waiver ends; null without one
 * @param approvedBy who approved it (four-eyes: not the requester); null unless active
 * @param justification why the risk was accepted
 */
public record WaiverState(String status, Instant expiresAt, String approvedBy, String justification) {

  public static final WaiverState NONE = new WaiverState("none", null, null, null);

  /** Whether the finding is waived now: exports mark it suppressed or skipped, not failed. */
  public boolean active() {
    return "active".equals(status);
  }
}
