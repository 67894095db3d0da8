package io.aimsmonitor.fact;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How fresh one connector instance's evidence is, derived by the engine at each evaluation (not
 * collected). Rules read it to report stale evidence as a finding in its own right (clauses 9.1, 10.2).
 *
 * @param source the connector id
 * @param lastSuccessAt end of the last successful run, null if none yet
 * @param lastRunFailed whether the most recent run failed
 * @param expectedInterval time between scheduled runs
 * @param fresh true when the last run succeeded within twice the expected interval
 */
public record SourceHealth(
    String source,
    String sourceUrl,
    Instant observedAt,
    String connectorType,
    Instant lastSuccessAt,
    boolean lastRunFailed,
    String lastError,
    Duration expectedInterval,
    boolean fresh)
    implements Fact {

  @Override
  public Subject subject() {
    return new Subject("Connector", "connector:" + source, "connector " + source, sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof SourceHealth o && Objects.equals(source, o.source)
        && Objects.equals(sourceUrl, o.sourceUrl) && Objects.equals(connectorType, o.connectorType)
        && Objects.equals(lastSuccessAt, o.lastSuccessAt) && lastRunFailed == o.lastRunFailed
        && Objects.equals(lastError, o.lastError) && Objects.equals(expectedInterval, o.expectedInterval)
        && fresh == o.fresh;
  }

  @Override
  public SourceHealth withOrigin(String source, Instant observedAt) {
    return new SourceHealth(source, sourceUrl, observedAt, connectorType, lastSuccessAt, lastRunFailed, lastError,
        expectedInterval, fresh);
  }
}
