package io.aimsmonitor.store;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.fact.CarriedOver;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSnapshot;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Connector runs and their fact snapshots. A run is written once, when it ends, in one
 * transaction with its facts: a crash mid-run leaves nothing behind, and a failed run stores no
 * facts, so the source's latest good snapshot is always the last successful run. Facts are stored
 * per fact, only those that changed since the connector's previous snapshot ({@link SnapshotRows});
 * runs stored before V105 keep their facts text and read as before.
 */
public class SnapshotRepository {

  /**
   * One stored run.
   *
   * @param status {@code SUCCEEDED} (its facts are a good snapshot), {@code FAILED}, or {@code HELD}:
   *     collected, but its fact count dropped suspiciously, so it is not applied until confirmed
   * @param confirmedBy who confirmed a held run (an admin, or {@code N consecutive runs}); null otherwise
   */
  public record RunSummary(long id, String connectorId, String connectorType, Instant startedAt, Instant finishedAt,
      boolean succeeded, String errorReason, String error, int factCount, long pages, long rateLimitWaits,
      String status, Instant confirmedAt, String confirmedBy) {
    public Duration duration() {
      return Duration.between(startedAt, finishedAt);
    }

    public boolean held() {
      return STATUS_HELD.equals(status);
    }
  }

  public static final String STATUS_HELD = "HELD";
  /** The failure reason of a held run, as runs and metrics show it. */
  public static final String REASON_SUSPICIOUS_DROP = "suspicious_drop";

  /** Per connector: the latest run and the latest successful run (either may be absent). */
  public record ConnectorState(String connectorId, Optional<RunSummary> lastRun, Optional<RunSummary> lastSuccess) {}

  private static final String SUMMARY_COLUMNS = "id, connector_id, connector_type, started_at, finished_at, status, "
      + "error_reason, error, fact_count, pages, rate_limit_waits, confirmed_at, confirmed_by";

  private final JdbcClient jdbc;
  private final JdbcTemplate batches;
  private final TransactionTemplate tx;
  /**
   * The parsed latest good snapshot per connector. Snapshots are immutable, so an entry is valid
   * as long as its run id is still the latest; evaluation then skips re-parsing unchanged sources.
   * A new good snapshot reuses the objects of the one it replaces for the facts that did not change
   * ({@link SnapshotRows#reuse}), so that evaluation finds those unchanged by reference, and hands a
   * fact re-stamped with the new run's time on as a copy of the previous object, which evaluation
   * compares a reference per component.
   */
  private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();
  /** Per connector, the rows its last write left current, for the next write to compare with. */
  private final Map<String, SnapshotRows.Current> currentRows = new ConcurrentHashMap<>();

  /**
   * @param batches the same data source, for batched row writes
   * @param tx transactions on the same data source: a run and its fact rows are written in one
   */
  public SnapshotRepository(JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.batches = batches;
    this.tx = tx;
  }

  /** Stores a finished run; returns its id. */
  public long record(CollectionResult result, String connectorType) {
    return record(result, connectorType, null, null);
  }

  /**
   * Stores a finished run. A successful run with a {@code heldBecause} is stored with its facts as
   * {@code HELD}: not a good snapshot until {@link #confirm}ed. A {@code confirmedBy} stores a run
   * that confirms earlier held ones (consecutive runs agreeing) as good, saying so.
   */
  public long record(CollectionResult result, String connectorType, String heldBecause, String confirmedBy) {
    boolean held = result.succeeded() && heldBecause != null;
    String status = held ? STATUS_HELD : result.succeeded() ? "SUCCEEDED" : "FAILED";
    // One transaction: the run, its fact rows and its hash, or (on a crash or error) none of them,
    // so the previous good snapshot stays in force and its rows stay current.
    SnapshotRows.Written written = tx.execute(t -> {
      var keyHolder = new org.springframework.jdbc.support.GeneratedKeyHolder();
      jdbc.sql("INSERT INTO connector_run (connector_id, connector_type, started_at, finished_at, status, error_reason,"
              + " error, fact_count, pages, rate_limit_waits, facts_in_rows, confirmed_at, confirmed_by)"
              + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
          .params(result.connectorId(), connectorType, utc(result.startedAt()), utc(result.finishedAt()),
              status, held ? REASON_SUSPICIOUS_DROP : result.errorReason(), held ? heldBecause : result.error(),
              result.facts().size(), result.pages(), result.rateLimitWaits(), result.succeeded(),
              confirmedBy == null ? null : utc(result.finishedAt()), confirmedBy)
          .update(keyHolder, "id");
      long id = keyHolder.getKey().longValue();
      if (!result.succeeded()) {
        return new SnapshotRows.Written(id, List.of(), null, null, null, null);
      }
      SnapshotRows.Written stored = SnapshotRows.write(jdbc, batches, result.connectorId(), id, result.facts(),
          currentRows.get(result.connectorId()));
      jdbc.sql("UPDATE connector_run SET facts_sha256 = ?, facts_observed_at = ? WHERE id = ?")
          .params(stored.sha256(), stored.observedAt(), id).update();
      return stored;
    });
    if (written.current() != null) {
      currentRows.put(result.connectorId(), written.current()); // after the commit: never a rolled-back state
    }
    if (result.succeeded() && !held) {
      parsed.put(result.connectorId(), Parsed.following(parsed.get(result.connectorId()), new FactSnapshot(
          written.runId(), result.connectorId(), result.startedAt(), result.finishedAt(), written.facts()),
          written.hashes()));
    }
    return written.runId();
  }

  /**
   * A parsed good snapshot, with the SHA-256 of each fact's stored body in the same order (null
   * for a snapshot stored as text before V105): what the next snapshot's unchanged facts are found by.
   */
  private record Parsed(FactSnapshot snapshot, String[] hashes, CarriedOver carried) {
    /** {@code next}, its facts equal to {@code previous}'s being {@code previous}'s objects. */
    static Parsed following(Parsed previous, FactSnapshot next, String[] hashes) {
      if (previous == null || previous.hashes() == null || hashes == null) {
        return new Parsed(next, hashes, null);
      }
      SnapshotRows.Reused reused = SnapshotRows.reuse(next.facts(), hashes, previous.snapshot().facts(),
          previous.hashes());
      return new Parsed(reused.facts() == next.facts() ? next : new FactSnapshot(next.runId(), next.connectorId(),
          next.startedAt(), next.finishedAt(), reused.facts()), hashes, reused.carried());
    }
  }

  /**
   * Which facts of {@code snapshot} (as {@link #latestGood} returned it) were carried over from the
   * connector's previous snapshot ({@link SnapshotRows#reuse}: the same objects, or copies equal to
   * them apart from {@link Fact#observedAt()}, same source), as stretches of positions in the two
   * snapshots' lists; null when none was or {@code snapshot} is no longer the cached one. Evaluation
   * takes those facts over in bulk from what it was given last time instead of comparing them.
   *
   * <p>Taken: asked again for the same snapshot it is null, so that the previous snapshot's objects
   * are not kept alive until the next collection (one record per fact) once evaluation used them.
   */
  public CarriedOver takeCarried(FactSnapshot snapshot) {
    CarriedOver[] taken = {null};
    parsed.computeIfPresent(snapshot.connectorId(), (id, p) -> {
      if (p.snapshot() != snapshot || p.carried() == null) {
        return p;
      }
      taken[0] = p.carried();
      return new Parsed(p.snapshot(), p.hashes(), null);
    });
    return taken[0];
  }

  /** The latest successful snapshot of each connector id in {@code connectorIds}. */
  public Map<String, FactSnapshot> latestGood(List<String> connectorIds) {
    Map<String, FactSnapshot> out = new HashMap<>();
    for (String id : connectorIds) {
      latestGood(id).ifPresent(s -> out.put(id, s));
    }
    return out;
  }

  public Optional<FactSnapshot> latestGood(String connectorId) {
    Optional<Object[]> row = jdbc.sql("SELECT id, started_at, finished_at FROM connector_run WHERE connector_id = ?"
            + " AND status = 'SUCCEEDED' ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")
        .param(connectorId)
        .query((rs, n) -> new Object[] {rs.getLong(1), instant(rs, 2), instant(rs, 3)})
        .optional();
    // a snapshot not cached yet (a restart, a confirmed held run, another replica's run) is read
    // once, reusing the objects of the one cached before for the facts that did not change
    return row.map(r -> parsed.compute(connectorId, (id, cached) -> {
      long runId = (Long) r[0];
      if (cached != null && cached.snapshot().runId() == runId) {
        return cached;
      }
      Optional<SnapshotRows.Stored> stored = SnapshotRows.stored(jdbc, runId);
      return Parsed.following(cached, new FactSnapshot(runId, connectorId, (Instant) r[1], (Instant) r[2],
          stored.map(SnapshotRows.Stored::facts).orElse(List.of())), stored.map(SnapshotRows.Stored::hashes).orElse(null));
    }).snapshot());
  }

  private List<Fact> loadFacts(long runId) {
    return SnapshotRows.stored(jdbc, runId).map(SnapshotRows.Stored::facts).orElse(List.of());
  }

  /**
   * The content hash of a stored snapshot: SHA-256 (hex) of its facts text (see {@link #storedFacts}),
   * which is also the file the evidence pack writes for it, so the two hashes can be compared.
   */
  public static String sha256(String factsText) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(factsText.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * The content hash of each run's stored facts; runs stored before hashes were kept get theirs
   * now, once. Runs with no facts (or no longer stored) are absent.
   */
  public Map<Long, String> factsSha256(java.util.Collection<Long> runIds) {
    Map<Long, String> out = new HashMap<>();
    for (Long runId : runIds) {
      jdbc.sql("SELECT facts_sha256 FROM connector_run WHERE id = ? AND (facts IS NOT NULL OR facts_in_rows)")
          .param(runId)
          .query((rs, n) -> java.util.Optional.ofNullable(rs.getString(1))).optional()
          .ifPresent(hash -> out.put(runId, hash.orElseGet(() -> hashStored(runId))));
    }
    return out;
  }

  private String hashStored(long runId) {
    String hash = storedFacts(runId).map(SnapshotRepository::sha256).orElseThrow();
    jdbc.sql("UPDATE connector_run SET facts_sha256 = ? WHERE id = ?").params(hash, runId).update();
    return hash;
  }

  /**
   * The facts text of one stored run: exactly as stored for runs stored before V105, rebuilt from
   * the fact rows for later ones (see {@link SnapshotRows}); empty when the run or its facts are gone.
   */
  public Optional<String> storedFacts(long runId) {
    return SnapshotRows.text(jdbc, runId);
  }

  /** Last run and last success per connector that has ever run. */
  public Map<String, ConnectorState> states() {
    Map<String, RunSummary> last = new HashMap<>();
    Map<String, RunSummary> lastOk = new HashMap<>();
    jdbc.sql("SELECT " + SUMMARY_COLUMNS + " FROM connector_run WHERE id IN"
            + " (SELECT MAX(id) FROM connector_run GROUP BY connector_id)"
            + " OR id IN (SELECT MAX(id) FROM connector_run WHERE status = 'SUCCEEDED' GROUP BY connector_id)")
        .query(SnapshotRepository::summary).list()
        .forEach(s -> {
          last.merge(s.connectorId(), s, (a, b) -> a.id() > b.id() ? a : b);
          if (s.succeeded()) {
            lastOk.merge(s.connectorId(), s, (a, b) -> a.id() > b.id() ? a : b);
          }
        });
    Map<String, ConnectorState> out = new HashMap<>();
    last.forEach((id, run) -> out.put(id, new ConnectorState(id, Optional.of(run), Optional.ofNullable(lastOk.get(id)))));
    return out;
  }

  /**
   * Confirms a held run: it becomes a good snapshot (the latest, unless a later run succeeded).
   *
   * @return the confirmed run; empty when {@code runId} is no run of {@code connectorId}
   * @throws IllegalStateException when the run is not held
   */
  public Optional<RunSummary> confirm(String connectorId, long runId, String by, Instant at) {
    Optional<RunSummary> run = run(connectorId, runId);
    if (run.isEmpty()) {
      return run;
    }
    if (!run.get().held()) {
      throw new IllegalStateException("run " + runId + " of connector '" + connectorId + "' is "
          + run.get().status() + ", not held: only a held run can be confirmed");
    }
    jdbc.sql("UPDATE connector_run SET status = 'SUCCEEDED', confirmed_at = ?, confirmed_by = ? WHERE id = ?"
            + " AND status = 'HELD'")
        .params(utc(at), by, runId).update();
    return run(connectorId, runId);
  }

  /** One run of one connector. */
  public Optional<RunSummary> run(String connectorId, long runId) {
    return jdbc.sql("SELECT " + SUMMARY_COLUMNS + " FROM connector_run WHERE connector_id = ? AND id = ?")
        .params(connectorId, runId).query(SnapshotRepository::summary).optional();
  }

  /** Failed runs per connector and reason, for the errors counter. */
  public List<Map.Entry<String[], Long>> errorCounts() {
    return jdbc.sql("SELECT connector_id, connector_type, error_reason, COUNT(*) FROM connector_run"
            + " WHERE status = 'FAILED' GROUP BY connector_id, connector_type, error_reason")
        .query((rs, n) -> Map.entry(new String[] {rs.getString(1), rs.getString(2),
            rs.getString(3) == null ? "internal" : rs.getString(3)}, rs.getLong(4)))
        .list();
  }

  /** Recent runs of one connector, newest first. */
  public List<RunSummary> history(String connectorId, int limit) {
    return jdbc.sql("SELECT " + SUMMARY_COLUMNS + " FROM connector_run WHERE connector_id = ? ORDER BY id DESC"
            + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")
        .param(connectorId).query(SnapshotRepository::summary).list();
  }

  /**
   * Retention: deletes runs older than {@code keepFor}, keeping at least the newest
   * {@code keepRuns} runs of each connector, always its latest good snapshot, and every snapshot an
   * evaluation record still names (records past their own retention are deleted first, by
   * {@link EvaluationRecords#prune}), so a kept evaluation can be replayed.
   *
   * @return rows deleted
   */
  public int prune(Duration keepFor, int keepRuns, Instant now) {
    List<Long> keep = jdbc.sql("SELECT MAX(id) FROM connector_run WHERE status = 'SUCCEEDED' GROUP BY connector_id")
        .query(Long.class).list();
    int deleted = 0;
    for (String connector : jdbc.sql("SELECT DISTINCT connector_id FROM connector_run").query(String.class).list()) {
      List<Long> recent = jdbc.sql("SELECT id FROM connector_run WHERE connector_id = ? ORDER BY id DESC FETCH FIRST "
          + Math.max(1, keepRuns) + " ROWS ONLY").param(connector).query(Long.class).list();
      long floor = recent.isEmpty() ? 0 : recent.get(recent.size() - 1);
      deleted += jdbc.sql("DELETE FROM connector_run WHERE connector_id = ? AND id < ? AND finished_at < ?"
              + " AND id NOT IN (SELECT run_id FROM evaluation_snapshot)"
              + (keep.isEmpty() ? "" : " AND id NOT IN (" + String.join(",", keep.stream().map(String::valueOf).toList()) + ")"))
          .params(connector, floor, utc(now.minus(keepFor))).update();
      SnapshotRows.prune(jdbc, connector);
    }
    return deleted;
  }

  /**
   * The id of the good snapshot that was in force for a connector at {@code at}: its latest
   * successful run finished by then (a held run counts only from when it was confirmed). What a
   * backtest reads for a past day; empty when the source had no good snapshot yet (or it was pruned).
   */
  public Optional<Long> goodRunAsOf(String connectorId, Instant at) {
    return jdbc.sql("SELECT id FROM connector_run WHERE connector_id = ? AND status = 'SUCCEEDED' AND finished_at <= ?"
            + " AND (confirmed_at IS NULL OR confirmed_at <= ?) ORDER BY finished_at DESC, id DESC FETCH FIRST 1 ROWS ONLY")
        .params(connectorId, utc(at), utc(at)).query(Long.class).optional();
  }

  /** One stored good snapshot, parsed (not cached: a backtest reads many and keeps only the current day's). */
  public FactSnapshot snapshot(long runId) {
    return jdbc.sql("SELECT connector_id, started_at, finished_at FROM connector_run WHERE id = ?").param(runId)
        .query((rs, n) -> new FactSnapshot(runId, rs.getString(1), instant(rs, 2), instant(rs, 3), loadFacts(runId)))
        .single();
  }

  private static RunSummary summary(ResultSet rs, int n) throws SQLException {
    return new RunSummary(rs.getLong("id"), rs.getString("connector_id"), rs.getString("connector_type"),
        instant(rs, "started_at"), instant(rs, "finished_at"), "SUCCEEDED".equals(rs.getString("status")),
        rs.getString("error_reason"), rs.getString("error"), rs.getInt("fact_count"), rs.getLong("pages"),
        rs.getLong("rate_limit_waits"), rs.getString("status"), instant(rs, "confirmed_at"), rs.getString("confirmed_by"));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
