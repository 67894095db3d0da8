package io.aimsmonitor.store;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Severity;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Open findings per severity, waived ones included: kept up to date from what each evaluation of
 * this process stored, and counted from the table only when that cannot be known.
 *
 * <p>WHY (issue #14): the evaluation logs the open findings per severity after every cycle that
 * changed anything, and the overview charts them; counting them read every open row (two GROUP BY
 * counts, 2.65 s of the 1% cycle at 1,000,000 facts on H2), while the reconciliation knows, for each
 * finding it changed, what the store held before ({@link Reconciler.Result#before()}) and what it
 * holds after. The waived ones are few and counted apart over the waiver index ({@link #waived()}),
 * so a waiver or its end never touches the kept counts.
 *
 * <p>How they stay exact: a finding's status and severity are written by evaluations only
 * ({@link FindingRepository#apply}), and every such change writes an event of the evaluation's
 * ({@code OPENED}, {@code REOPENED}, {@code RESOLVED}, {@code SEEN_AGAIN} for a new severity) in the
 * same transaction. The counts are kept with the newest event id they are exact at; they stay valid
 * while every event written after it is a review workflow event ({@link #REVIEW_EVENTS}: those change
 * workflow rows only). Any other event (an evaluation by another replica or process, or one of this
 * service's whose result could not be followed) makes them unknown, and they are counted again. Only
 * the evaluation writes them ({@link #before()}, {@link #stored}), one at a time; a reader that finds
 * them unknown counts for itself and keeps nothing, so no count read while an evaluation stores can
 * be added to twice.
 */
public final class OpenFindingCounts {

  /**
   * The events that do not change a finding's status or severity: the review workflow's. Any other
   * type, including one added later, is taken as a possible change (and costs a count, never a wrong one).
   */
  static final List<FindingEvent.Type> REVIEW_EVENTS = List.of(FindingEvent.Type.ACKNOWLEDGED,
      FindingEvent.Type.ASSIGNED, FindingEvent.Type.COMMENTED, FindingEvent.Type.DUE_DATE_SET,
      FindingEvent.Type.WAIVER_REQUESTED, FindingEvent.Type.WAIVED, FindingEvent.Type.UNWAIVED);

  /** Open findings a waiver covers, per severity rank: see {@link #waived()}. */
  static final String WAIVED = "SELECT f.severity_rank, COUNT(*) FROM finding f WHERE f.status = 'OPEN' AND f.id IN"
      + " (SELECT w.finding_id FROM finding_workflow w WHERE w.waiver_id >= '') GROUP BY f.severity_rank";

  /** The newest event after {@code :head}, and how many of those are not of the {@code :review} types. */
  static final String SINCE = "SELECT MAX(id), COUNT(CASE WHEN type NOT IN (:review) THEN 1 END) FROM finding_event"
      + " WHERE id > :head";

  /** Open findings per severity, waived ones included, exact as of the finding event {@code head} (0: none). */
  private record Kept(long head, Map<Severity, Long> open) {}

  /**
   * What an evaluation's store starts from: the kept counts if they were exact just before it, else null.
   * Taken by {@link #before()}, given back to {@link #stored}.
   */
  public static final class Before {
    private final Kept kept;

    private Before(Kept kept) {
      this.kept = kept;
    }
  }

  private final JdbcClient jdbc;
  private volatile Kept kept;
  private final AtomicLong counted = new AtomicLong();

  OpenFindingCounts(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Open findings per severity, waived ones included (none absent): kept, or counted when not known. */
  Map<Severity, Long> open() {
    Kept k = kept;
    if (k != null && unchangedSince(k.head()).isPresent()) {
      return k.open();
    }
    return count().open();
  }

  /** Open findings a waiver in force covers, per severity (none absent): few, read over the waiver index. */
  Map<Severity, Long> waived() {
    Map<Severity, Long> out = zero();
    // WHY this form: as a join, H2 read every open finding and looked up its workflow row (20,001
    // rows read for 5 waived of 20,000); with IN it reads the waiver index's range and looks up each
    // finding by its key (6). waiver_id >= '' is IS NOT NULL (every string sorts at or after the
    // empty one) written as an index range.
    jdbc.sql(WAIVED)
        .query((rs, n) -> Map.entry(Severity.values()[rs.getInt(1)], rs.getLong(2))).list()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** To call right before an evaluation stores its reconciliation, and hand to {@link #stored}. */
  public Before before() {
    Kept k = kept;
    return new Before(k != null && unchangedSince(k.head()).isPresent() ? k : null);
  }

  /**
   * An evaluation stored {@code result} (committed): the counts follow each finding it changed, from
   * how {@link Reconciler.Result#before()} had it to how it is now. Counted again when they were not
   * known before, or the result does not say what it started from. Only one evaluation at a time
   * (the evaluation is single-flight, {@code MonitorService.evaluate} synchronized).
   */
  public void stored(Before before, Reconciler.Result result) {
    if (before.kept == null || (result.before() == null && !result.changed().isEmpty())) {
      kept = count();
      return;
    }
    Map<Severity, Long> open = new EnumMap<>(before.kept.open());
    Map<String, Finding> was = result.before() == null ? Map.of() : result.before().findings();
    for (Finding now : result.changed()) {
      Finding old = was.get(now.id());
      if (old != null && old.isOpen()) {
        open.merge(old.severity(), -1L, Long::sum);
      }
      if (now.isOpen()) {
        open.merge(now.severity(), 1L, Long::sum);
      }
    }
    // the newest event now: this store's own, and at most review workflow events of others since
    // (another evaluation does not run meanwhile), which do not change what is counted
    kept = new Kept(head(), Map.copyOf(open));
  }

  /** How many times the open findings were counted from the table: for tests. */
  long counted() {
    return counted.get();
  }

  /** Counts the open findings per severity as of the newest event, read first (see the class comment). */
  private Kept count() {
    counted.incrementAndGet();
    long head = head();
    Map<Severity, Long> open = zero();
    jdbc.sql("SELECT severity_rank, COUNT(*) FROM finding WHERE status = 'OPEN' GROUP BY severity_rank")
        .query((rs, n) -> Map.entry(Severity.values()[rs.getInt(1)], rs.getLong(2))).list()
        .forEach(e -> open.put(e.getKey(), e.getValue()));
    return new Kept(head, Map.copyOf(open));
  }

  private long head() {
    return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM finding_event").query(Long.class).single();
  }

  /**
   * The newest event id if every event after {@code head} is a review workflow event, else empty.
   * Reads the events written since by primary key: none, or a reviewer's few, between evaluations.
   */
  private OptionalLong unchangedSince(long head) {
    return jdbc.sql(SINCE)
        .param("review", REVIEW_EVENTS.stream().map(Enum::name).toList()).param("head", head)
        .query((rs, n) -> rs.getLong(2) > 0 ? OptionalLong.empty()
            : OptionalLong.of(rs.getObject(1) == null ? head : rs.getLong(1)))
        .single();
  }

  private static Map<Severity, Long> zero() {
    Map<Severity, Long> out = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      out.put(s, 0L);
    }
    return out;
  }
}
