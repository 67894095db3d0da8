package io.aimsmonitor.fact;

import java.time.Instant;
import java.util.List;

/**
 * The facts one successful connector run collected: the unit evaluation reads. A source's
 * latest snapshot is replaced only by a later successful run.
 *
 * @param runId the stored run id, cited as evidence in findings
 */
public record FactSnapshot(long runId, String connectorId, Instant startedAt, Instant finishedAt, List<Fact> facts) {
  public FactSnapshot {
    facts = List.copyOf(facts);
  }
}
