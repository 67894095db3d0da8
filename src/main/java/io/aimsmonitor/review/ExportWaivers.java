package io.aimsmonitor.review;

import io.aimsmonitor.export.WaiverLookup;
import io.aimsmonitor.export.WaiverState;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.Waiver;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The review workflow's answer to exports: the waiver linked to each finding (in force, requested,
 * expired or revoked, see {@link ReviewService#linkedWaivers}) in the export's terms, one store
 * read per batch.
 */
public final class ExportWaivers implements WaiverLookup {

  private final Supplier<ReviewService> review;
  private final Clock clock;

  /** @param review looked up at the first export, so that the exporter does not need the review service at start-up */
  public ExportWaivers(Supplier<ReviewService> review, Clock clock) {
    this.review = review;
    this.clock = clock;
  }

  @Override
  public Map<String, WaiverState> of(List<Finding> findings) {
    Instant now = clock.instant();
    Map<String, WaiverState> out = new HashMap<>();
    review.get().linkedWaivers(findings).forEach((id, w) -> out.put(id, state(w, now)));
    return out;
  }

  static WaiverState state(Waiver w, Instant now) {
    Waiver.State state = w.state(now);
    return new WaiverState(w.id(), state == Waiver.State.PENDING ? "requested" : state.label(), w.expiresAt(),
        w.requestedBy(), w.approvedBy(), w.justification());
  }
}
