package io.aimsmonitor.export;

import java.time.Instant;

/**
 * The waiver (accepted risk) linked to a finding, as exports show it. The review workflow fills it
 * through a {@link WaiverLookup}; until one is wired every finding shows {@link #NONE}.
 *
 * @param id the waiver's id ({@code W-...} from the API, {@code file:...} from the waivers file); null without one
 * @param status {@code none}, {@code requested} (awaiting a second reviewer), {@code active} (in force),
 *     {@code expired} or {@code revoked}
 * @param expiresAt when the waiver ends or ended; null without one
 * @param requestedBy who asked for it
 * @param approvedBy who approved it (four-eyes: not the requester); null while requested
 * @param justification why the risk was accepted
 */
public record WaiverState(String id, String status, Instant expiresAt, String requestedBy, String approvedBy,
    String justification) {

  public static final WaiverState NONE = new WaiverState(null, "none", null, null, null, null);

  /** Whether the finding is waived now: exports mark it suppressed or skipped, not failed. */
  public boolean active() {
    return "active".equals(status);
  }

  /** One line for text formats (OCSF status detail, JUnit); null without a waiver. */
  public String describe() {
    if (id == null) {
      return null;
    }
    String when = switch (status) {
      case "expired" -> " expired at " + expiresAt;
      case "revoked" -> " revoked (would have run until " + expiresAt + ")";
      case "requested" -> " requested by " + requestedBy + ", awaiting approval, until " + expiresAt;
      default -> " " + status + " until " + expiresAt;
    };
    return "waiver " + id + when + (approvedBy == null ? "" : ", approved by " + approvedBy)
        + (justification == null ? "" : ": " + justification);
  }
}
