package io.aimsmonitor.store;

import io.aimsmonitor.connector.PushedEvents;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The OpenLineage events pushed to {@code /api/v1/lineage}, one row each, as accepted. */
public class LineageEventRepository implements PushedEvents {

  /** What the endpoint stores besides the body, so that listings need not parse it. */
  public record Accepted(String connectorId, Instant receivedAt, Instant eventTime, String eventType, String runId,
      String job, String body) {}

  private final JdbcClient jdbc;

  public LineageEventRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores one event in a single insert (committed when this returns); returns its id. */
  public long append(Accepted event) {
    var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
    jdbc.sql("INSERT INTO lineage_event (connector_id, received_at, event_time, event_type, run_id, job, body)"
            + " VALUES (?,?,?,?,?,?,?)")
        .params(event.connectorId(), SnapshotRepository.utc(event.receivedAt()), SnapshotRepository.utc(event.eventTime()),
            event.eventType(), event.runId(), truncate(event.job(), 1000), event.body())
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  @Override
  public List<Event> since(String connectorId, Instant since) {
    return jdbc.sql("SELECT id, received_at, body FROM lineage_event WHERE connector_id = ? AND received_at >= ?"
            + " ORDER BY id")
        .params(connectorId, SnapshotRepository.utc(since))
        .query((ResultSet rs, int n) -> new Event(rs.getLong(1), instant(rs, 2), rs.getString(3))).list();
  }

  @Override
  public Optional<Instant> lastReceived(String connectorId) {
    return jdbc.sql("SELECT MAX(received_at) FROM lineage_event WHERE connector_id = ?").param(connectorId)
        .query((ResultSet rs, int n) -> Optional.ofNullable(instant(rs, 1))).single();
  }

  /** Number of events stored for {@code connectorId}. */
  public long count(String connectorId) {
    return jdbc.sql("SELECT COUNT(*) FROM lineage_event WHERE connector_id = ?").param(connectorId)
        .query(Long.class).single();
  }

  /** Retention: deletes events that arrived more than {@code keepFor} before {@code now}; returns how many. */
  public int prune(Duration keepFor, Instant now) {
    return jdbc.sql("DELETE FROM lineage_event WHERE received_at < ?").param(SnapshotRepository.utc(now.minus(keepFor)))
        .update();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
