package io.aimsmonitor.connector;

/**
 * Collects facts from one configured instance of a source system. Created by its
 * {@link ConnectorType} from a validated {@link ConnectorConfig}.
 *
 * <p>Contract: {@link #collect} is called by the scheduler from a worker thread, never twice at
 * the same time for the same instance. It pushes every fact it observes into
 * {@link CollectContext#sink()} and returns normally only when it has collected everything: the
 * facts then become the instance's latest good snapshot. Any exception fails the run and the
 * previous good snapshot stays in force, so a half-collected run never resolves a finding.
 */
public interface Connector {

  /** Collects all facts of this instance. Checks {@link CollectContext#cancellation()} between requests. */
  void collect(CollectContext context) throws Exception;
}
