package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.rules.Severity;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Findings over time, read from their history: lifecycle events per day and severity (for the
 * open-findings chart) and the latest changes (open findings per severity now are
 * {@link FindingRepository#openBySeverity()}'s, kept rather than counted). Aggregates run in the
 * database over the event-time index (V65), so their cost follows the period shown, not the size of
 * the history.
 */
public class FindingActivity {

  /** The events that change whether a finding is open. */
  public static final List<FindingEvent.Type> LIFECYCLE = List.of(FindingEvent.Type.OPENED,
      FindingEvent.Type.REOPENED, FindingEvent.Type.RESOLVED);

  /** Lifecycle events of one type, on one day (UTC), of findings of one severity. */
  public record DayCount(LocalDate day, Severity severity, FindingEvent.Type type, long count) {}

  /** One lifecycle change of one finding. */
  public record Change(Instant at, FindingEvent.Type type, String actor, String findingId, String title,
      String subjectName, Severity severity) {}

  private final JdbcClient jdbc;

  public FindingActivity(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Opened, reopened and resolved events per day and severity, at or after {@code from}. */
  public List<DayCount> lifecycleByDay(Instant from) {
    return jdbc.sql("SELECT CAST(e.at AS DATE) AS event_day, f.severity, e.type, COUNT(*) AS n FROM finding_event e"
            + " JOIN finding f ON f.id = e.finding_id WHERE e.at >= :from AND e.type IN (:types)"
            + " GROUP BY CAST(e.at AS DATE), f.severity, e.type")
        .param("from", utc(from)).param("types", LIFECYCLE.stream().map(Enum::name).toList())
        .query((rs, n) -> new DayCount(day(rs.getObject("event_day")), Severity.valueOf(rs.getString("severity")),
            FindingEvent.Type.valueOf(rs.getString("type")), rs.getLong("n")))
        .list();
  }

  /** How many opened, reopened and resolved events there were at or after {@code since}. */
  public Map<FindingEvent.Type, Long> changeCounts(Instant since) {
    Map<FindingEvent.Type, Long> out = new EnumMap<>(FindingEvent.Type.class);
    LIFECYCLE.forEach(t -> out.put(t, 0L));
    jdbc.sql("SELECT type, COUNT(*) FROM finding_event WHERE at >= :since AND type IN (:types) GROUP BY type")
        .param("since", utc(since)).param("types", LIFECYCLE.stream().map(Enum::name).toList())
        .query((rs, n) -> Map.entry(FindingEvent.Type.valueOf(rs.getString(1)), rs.getLong(2))).list()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** The latest {@code limit} lifecycle changes at or after {@code since}, newest first. */
  public List<Change> changes(Instant since, int limit) {
    return jdbc.sql("SELECT e.at, e.type, e.actor, f.id, f.title, f.subject_name, f.severity FROM finding_event e"
            + " JOIN finding f ON f.id = e.finding_id WHERE e.at >= :since AND e.type IN (:types)"
            + " ORDER BY e.at DESC, e.id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")
        .param("since", utc(since)).param("types", LIFECYCLE.stream().map(Enum::name).toList())
        .query((rs, n) -> new Change(instant(rs, "at"), FindingEvent.Type.valueOf(rs.getString("type")),
            rs.getString("actor"), rs.getString("id"), rs.getString("title"), rs.getString("subject_name"),
            Severity.valueOf(rs.getString("severity"))))
        .list();
  }

  private static LocalDate day(Object value) {
    if (value instanceof LocalDate d) {
      return d;
    }
    if (value instanceof Date d) {
      return d.toLocalDate();
    }
    return LocalDate.parse(String.valueOf(value));
  }
}
