package io.aimsmonitor.history;

import io.aimsmonitor.finding.FindingEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every finding with its event history, read from {@code finding_event}: what time travel and
 * period reports are computed from. A finding's state at an instant is what its last lifecycle
 * events at or before that instant say; nothing is inferred beyond them.
 */
public class FindingHistory {

  /** One change of a finding. */
  public record Event(long id, Instant at, FindingEvent.Type type, String actor, String detail) {}

  /** One finding and its events in order. */
  public record Tracked(String id, String ruleId, String pack, String title, String severity, List<String> controls,
      String subjectType, String subjectKey, String subjectName, String source, List<Event> events) {

    /** Its state at {@code at}: open (opened or reopened, not resolved since), stale, waived. */
    public State stateAt(Instant at) {
      State state = State.BEFORE;
      for (Event e : events) {
        if (e.at().isAfter(at)) {
          break;
        }
        state = state.after(e.type());
      }
      return state;
    }

    /**
     * When it was non-compliant within [from, to): open on fresh evidence and not waived. A stale
     * or waived stretch is not counted: the first is unknown, the second an accepted risk.
     */
    public List<Interval> nonCompliant(Instant from, Instant to) {
      List<Interval> out = new ArrayList<>();
      State s = stateAt(from);
      Instant start = s.counts() ? from : null;
      for (Event e : events) {
        if (!e.at().isAfter(from)) {
          continue;
        }
        if (!e.at().isBefore(to)) {
          break;
        }
        s = s.after(e.type());
        boolean counts = s.counts();
        if (counts && start == null) {
          start = e.at();
        } else if (!counts && start != null) {
          out.add(new Interval(start, e.at()));
          start = null;
        }
      }
      if (start != null) {
        out.add(new Interval(start, to));
      }
      return out;
    }

    /** Time from each opening to the resolution that ended it, for resolutions within [from, to). */
    public List<Duration> remediations(Instant from, Instant to) {
      List<Duration> out = new ArrayList<>();
      Instant openedAt = null;
      for (Event e : events) {
        switch (e.type()) {
          case OPENED, REOPENED -> openedAt = e.at();
          case RESOLVED -> {
            if (openedAt != null && !e.at().isBefore(from) && e.at().isBefore(to)) {
              out.add(Duration.between(openedAt, e.at()));
            }
            openedAt = null;
          }
          default -> { }
        }
      }
      return out;
    }

    /** Its events of these types within [from, to). */
    public List<Event> eventsIn(Instant from, Instant to, FindingEvent.Type... types) {
      List<FindingEvent.Type> wanted = List.of(types);
      return events.stream().filter(e -> !e.at().isBefore(from) && e.at().isBefore(to))
          .filter(e -> wanted.isEmpty() || wanted.contains(e.type())).toList();
    }
  }

  /**
   * A finding's state at an instant.
   *
   * @param known whether any event of it had happened by then (false: it did not exist yet)
   */
  public record State(boolean known, boolean open, boolean stale, boolean waived) {
    /** Before its first event: it did not exist yet. */
    static final State BEFORE = new State(false, false, false, false);

    /** The state once an event of this type has happened: the one place the lifecycle is replayed. */
    State after(FindingEvent.Type type) {
      return switch (type) {
        case OPENED, REOPENED -> new State(true, true, false, waived);
        case RESOLVED -> new State(true, false, false, waived);
        case STALE -> new State(true, open, true, waived);
        case REFRESHED -> new State(true, open, false, waived);
        case WAIVED -> new State(true, open, stale, true);
        case UNWAIVED -> new State(true, open, stale, false);
        default -> new State(true, open, stale, waived);
      };
    }

    /** Open on fresh evidence with no waiver in force: what makes a control non-compliant. */
    public boolean counts() {
      return open && !stale && !waived;
    }
  }

  /** A stretch of time, {@code from} inclusive, {@code to} exclusive. */
  public record Interval(Instant from, Instant to) {
    public Duration length() {
      return Duration.between(from, to);
    }
  }

  private final JdbcClient jdbc;

  public FindingHistory(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Every finding with an event at or before {@code upTo}, with those events. */
  public List<Tracked> upTo(Instant upTo) {
    Map<String, List<Event>> events = new LinkedHashMap<>();
    jdbc.sql("SELECT id, finding_id, at, type, actor, detail FROM finding_event WHERE at <= ? ORDER BY at, id")
        .param(OffsetDateTime.ofInstant(upTo, ZoneOffset.UTC))
        .query((ResultSet rs) -> {
          events.computeIfAbsent(rs.getString("finding_id"), k -> new ArrayList<>()).add(new Event(rs.getLong("id"),
              instant(rs, "at"), FindingEvent.Type.valueOf(rs.getString("type")), rs.getString("actor"),
              rs.getString("detail")));
        });
    List<Tracked> out = new ArrayList<>();
    jdbc.sql("SELECT id, rule_id, pack, title, severity, controls, subject_type, subject_key, subject_name, source"
            + " FROM finding ORDER BY id")
        .query((ResultSet rs) -> {
          List<Event> mine = events.get(rs.getString("id"));
          if (mine != null) {
            out.add(new Tracked(rs.getString("id"), rs.getString("rule_id"), rs.getString("pack"), rs.getString("title"),
                rs.getString("severity"), List.of(rs.getString("controls").split(",")), rs.getString("subject_type"),
                rs.getString("subject_key"), rs.getString("subject_name"), rs.getString("source"), List.copyOf(mine)));
          }
        });
    return out;
  }

  /** When the first evaluation finished, if any did; before it no status is known. */
  public Instant firstEvaluation() {
    return jdbc.sql("SELECT MIN(finished_at) FROM evaluation_run").query((rs, n) -> instant(rs, 1)).optional()
        .orElse(null);
  }

  /** When one evaluation ran. */
  public record EvaluationWindow(long id, Instant startedAt, Instant finishedAt) {}

  /** The evaluation with this id, if it is recorded. */
  public java.util.Optional<EvaluationWindow> evaluation(long id) {
    return jdbc.sql("SELECT id, started_at, finished_at FROM evaluation_run WHERE id = ?").param(id)
        .query((rs, n) -> new EvaluationWindow(rs.getLong(1), instant(rs, 2), instant(rs, 3))).optional();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
