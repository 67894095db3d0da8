package io.aimsmonitor.connector;

import io.aimsmonitor.fact.Fact;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one run of one instance: all facts on success, none on failure.
 *
 * @param errorReason bounded label for metrics, null on success
 * @param error message for people, naming connector, URL and field; null on success
 */
public record CollectionResult(
    String connectorId,
    Instant startedAt,
    Instant finishedAt,
    boolean succeeded,
    List<Fact> facts,
    String errorReason,
    String error,
    long pages,
    long rateLimitWaits) {

  public CollectionResult {
    facts = List.copyOf(facts);
  }

  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
