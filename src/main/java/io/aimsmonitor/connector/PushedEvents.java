package io.aimsmonitor.connector;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Events that a source pushed to aims-monitor (OpenLineage run events sent to
 * {@code POST /api/v1/lineage}), stored durably when they arrived. A push connector type reads
 * them here instead of calling an API; pull connectors never look.
 */
public interface PushedEvents {

  /** One stored event: its body exactly as accepted. */
  record Event(long id, Instant receivedAt, String body) {}

  /** The events pushed to {@code connectorId} that arrived at or after {@code since}, oldest first. */
  List<Event> since(String connectorId, Instant since);

  /** When the newest event for {@code connectorId} arrived; empty if none ever did. */
  Optional<Instant> lastReceived(String connectorId);

  /** For contexts without an event store (tests of pull connectors, tools). */
  PushedEvents NONE = new PushedEvents() {
    @Override
    public List<Event> since(String connectorId, Instant since) {
      return List.of();
    }

    @Override
    public Optional<Instant> lastReceived(String connectorId) {
      return Optional.empty();
    }
  };
}
