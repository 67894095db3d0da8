package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** One row per evaluation cycle: when, how long, how much changed. */
public class EvaluationRepository {

  /** A finished evaluation cycle. */
  public record EvaluationRun(Instant startedAt, Instant finishedAt, int packs, int facts, int violations, int opened,
      int resolved, int reopened, List<String> failedPacks) {}

  private final JdbcClient jdbc;

  public EvaluationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void record(EvaluationRun run) {
    jdbc.sql("INSERT INTO evaluation_run (started_at, finished_at, packs, facts, violations, opened, resolved, reopened,"
            + " failed_packs) VALUES (?,?,?,?,?,?,?,?,?)")
        .params(utc(run.startedAt()), utc(run.finishedAt()), run.packs(), run.facts(), run.violations(), run.opened(),
            run.resolved(), run.reopened(), run.failedPacks().isEmpty() ? null : String.join(",", run.failedPacks()))
        .update();
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

  public long count() {
    return jdbc.sql("SELECT COUNT(*) FROM evaluation_run").query(Long.class).single();
  }
}
