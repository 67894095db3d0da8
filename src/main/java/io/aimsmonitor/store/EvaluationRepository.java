package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/** One row per evaluation cycle (when, how long, how much changed), and the packs that failed in it. */
public class EvaluationRepository {

  /** A finished evaluation cycle. */
  public record EvaluationRun(Instant startedAt, Instant finishedAt, int packs, int facts, int violations, int opened,
      int resolved, int reopened, List<String> failedPacks) {}

  /**
   * A pack that failed one evaluation.
   *
   * @param guard the guard it tripped ({@code timeout}, {@code firings}, {@code inserted_facts}), or null when it threw
   * @param rule the rule the guard names, or null
   * @param runaway its evaluation thread did not stop when asked: the pack version is quarantined
   */
  public record PackFailure(String pack, String contentHash, Instant at, String guard, String rule, boolean runaway,
      String message) {
    /** The failure of a pack's evaluation at {@code at} (live or shadow: both are quarantined the same way). */
    public static PackFailure of(io.aimsmonitor.rules.Evaluator.PackResult failed, Instant at) {
      var trip = failed.trip();
      return new PackFailure(failed.pack().name(), failed.pack().contentHash(), at, trip == null ? null : trip.guard(),
          trip == null ? null : trip.rule(), trip != null && trip.runaway(), failed.error());
    }
  }

  private final JdbcClient jdbc;

  private final EvaluationRecords records;

  public EvaluationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
    this.records = new EvaluationRecords(jdbc);
  }

  /** What each evaluation read and decided, for replay. */
  public EvaluationRecords records() {
    return records;
  }

  /** Stores a finished evaluation cycle; returns its id (the evaluation id that replay takes). */
  public long record(EvaluationRun run) {
    var keyHolder = new org.springframework.jdbc.support.GeneratedKeyHolder();
    jdbc.sql("INSERT INTO evaluation_run (started_at, finished_at, packs, facts, violations, opened, resolved, reopened,"
            + " failed_packs) VALUES (?,?,?,?,?,?,?,?,?)")
        .params(utc(run.startedAt()), utc(run.finishedAt()), run.packs(), run.facts(), run.violations(), run.opened(),
            run.resolved(), run.reopened(), run.failedPacks().isEmpty() ? null : String.join(",", run.failedPacks()))
        .update(keyHolder, "id");
    return keyHolder.getKey().longValue();
  }

  /**
   * The newest evaluation run's id (0 before the first), by primary key: an evaluator that wrote it
   * knows no other replica or process has evaluated since.
   */
  public long latestId() {
    return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM evaluation_run").query(Long.class).single();
  }

  public Optional<EvaluationRun> latest() {
    return jdbc.sql("SELECT * FROM evaluation_run ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")
        .query((rs, n) -> new EvaluationRun(instant(rs, "started_at"), instant(rs, "finished_at"), rs.getInt("packs"),
            rs.getInt("facts"), rs.getInt("violations"), rs.getInt("opened"), rs.getInt("resolved"), rs.getInt("reopened"),
            rs.getString("failed_packs") == null ? List.of() : List.of(rs.getString("failed_packs").split(","))))
        .optional();
  }

  /**
   * Replaces the per-source staleness of the last evaluation: for each source not collected fresh,
   * how many open findings it held stale. Sources that are fresh again disappear.
   */
  public void recordStaleness(java.util.Map<String, Integer> staleBySource, Instant at) {
    jdbc.sql("DELETE FROM source_staleness").update();
    staleBySource.forEach((source, held) -> jdbc.sql(
            "INSERT INTO source_staleness (connector_id, stale_findings, evaluated_at) VALUES (?,?,?)")
        .params(source, held, utc(at)).update());
  }

  /** How many open findings each not-fresh source held stale at the last evaluation. */
  public java.util.Map<String, Integer> staleness() {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    jdbc.sql("SELECT connector_id, stale_findings FROM source_staleness")
        .query((rs, n) -> java.util.Map.entry(rs.getString(1), rs.getInt(2))).list()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  public void recordFailures(List<PackFailure> failures) {
    for (PackFailure f : failures) {
      jdbc.sql("INSERT INTO rule_pack_failure (pack, content_hash, at, guard, rule_id, runaway, message)"
              + " VALUES (?,?,?,?,?,?,?)")
          .params(f.pack(), f.contentHash(), utc(f.at()), f.guard(), f.rule(), f.runaway(), f.message())
          .update();
    }
  }

  /** Content hashes of pack versions whose evaluation could not be stopped: never to be started again. */
  public Set<String> quarantined() {
    return new HashSet<>(jdbc.sql("SELECT DISTINCT content_hash FROM rule_pack_failure WHERE runaway = TRUE")
        .query(String.class).list());
  }

  /** The latest failure of each pack that ever failed. */
  public Map<String, PackFailure> latestFailures() {
    Map<String, PackFailure> out = new HashMap<>();
    jdbc.sql("SELECT * FROM rule_pack_failure WHERE id IN (SELECT MAX(id) FROM rule_pack_failure GROUP BY pack)")
        .query((rs, n) -> new PackFailure(rs.getString("pack"), rs.getString("content_hash"), instant(rs, "at"),
            rs.getString("guard"), rs.getString("rule_id"), rs.getBoolean("runaway"), rs.getString("message")))
        .list().forEach(f -> out.put(f.pack(), f));
    return out;
  }

  /** Guard trips per pack and guard since the store was created (a monotonic count: rows are never deleted). */
  public Map<String, Map<String, Long>> guardTrips() {
    Map<String, Map<String, Long>> out = new HashMap<>();
    jdbc.sql("SELECT pack, guard, COUNT(*) FROM rule_pack_failure WHERE guard IS NOT NULL GROUP BY pack, guard")
        .query((rs, n) -> {
          out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
          return null;
        }).list();
    return out;
  }

  public long count() {
    return jdbc.sql("SELECT COUNT(*) FROM evaluation_run").query(Long.class).single();
  }
}
