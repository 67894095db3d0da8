package io.aimsmonitor.bench;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Snapshot storage of issue #14, per fact (V105) against the one-text-per-run form it replaced,
 * back to back in one JVM on one database: storing a whole estate, storing it again with 1% changed
 * and unchanged, and the restart load of the latest snapshot (a fresh repository, nothing cached),
 * median of 3, and the heap a whole-estate store needs above the estate itself (peak of the
 * heap pools, so it includes garbage the collector had not yet reclaimed). The old form is timed as the previous version ran it: the facts written as one JSON
 * text and inserted, and read back by parsing that text.
 *
 * <p>Arguments: {@code [facts,...] [h2|postgres]}, default {@code 10000,100000 h2}.
 */
public final class SnapshotStoreBench {

  public static void main(String[] args) throws Exception {
    String db = args.length > 1 ? args[1] : "h2";
    for (String size : (args.length > 0 ? args[0] : "10000,100000").split(",")) {
      run(Integer.parseInt(size.trim()), db);
    }
  }

  private static void run(int facts, String dbName) throws Exception {
    int versions = (int) Math.round(facts / 2.6);
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    List<Fact> estate = EvaluationBench.registry(versions, now);
    List<Fact> changed = EvaluationBench.registry(versions, now, true);
    Path dir = Files.createTempDirectory("aims-snapshot-bench");
    try (BenchDatabases.Db db = dbName.equals("h2") ? BenchDatabases.h2(dir) : BenchDatabases.postgres("snapshots")) {
      JdbcClient jdbc = JdbcClient.create(db.dataSource());
      SnapshotRepository snapshots = TestStore.on(db.dataSource()).snapshots();

      // the previous form: one JSON text per run, parsed whole on load
      ScaleBench.resetPeaks();
      long base = usedMb();
      double oldStore = time(() -> {
        String text = FactJson.write(estate);
        jdbc.sql("INSERT INTO connector_run (connector_id, connector_type, started_at, finished_at, status, fact_count,"
                + " facts, facts_sha256) VALUES ('old', 'file', ?, ?, 'SUCCEEDED', ?, ?, ?)")
            .params(now.atOffset(java.time.ZoneOffset.UTC), now.atOffset(java.time.ZoneOffset.UTC), estate.size(),
                text, SnapshotRepository.sha256(text)).update();
      });
      long oldPeak = ScaleBench.peakHeapMb() - base;
      double oldLoad = median(() -> TestStore.on(db.dataSource()).snapshots().latestGood("old").orElseThrow());

      ScaleBench.resetPeaks();
      base = usedMb();
      double store = time(() -> record(snapshots, estate, now));
      long peak = ScaleBench.peakHeapMb() - base;
      long rowsFull = rows(jdbc);
      double storeChanged = time(() -> record(snapshots, changed, now.plusSeconds(60)));
      long rowsChanged = rows(jdbc) - rowsFull;
      double storeSame = time(() -> record(snapshots, changed, now.plusSeconds(120)));
      long rowsSame = rows(jdbc) - rowsFull - rowsChanged;
      double load = median(() -> TestStore.on(db.dataSource()).snapshots().latestGood("bench").orElseThrow());
      System.out.println(String.format(Locale.ROOT, "%s, %,d facts: one text per run: store %.2f s (heap +%d MB), restart load %.2f s;"
              + " per fact: store %.2f s (%,d rows, heap +%d MB), 1%% changed %.2f s (%,d rows), unchanged %.2f s (%,d rows),"
              + " restart load %.2f s; load average %s", db.name(), estate.size(), oldStore, oldPeak, oldLoad, store, rowsFull, peak,
          storeChanged, rowsChanged, storeSame, rowsSame, load, Files.readString(Path.of("/proc/loadavg")).trim()));
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Heap in use now (after {@link ScaleBench#resetPeaks}'s GC: what the estate itself holds). */
  private static long usedMb() {
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static void record(SnapshotRepository snapshots, List<Fact> facts, Instant at) {
    snapshots.record(new CollectionResult("bench", at, at, true, facts, null, null, 0, 0), "file");
  }

  private static long rows(JdbcClient jdbc) {
    return jdbc.sql("SELECT COUNT(*) FROM snapshot_fact").query(Long.class).single();
  }

  private static double time(Runnable step) {
    long t = System.nanoTime();
    step.run();
    return (System.nanoTime() - t) / 1e9;
  }

  private static double median(Runnable step) {
    double[] times = {time(step), time(step), time(step)};
    Arrays.sort(times);
    return times[1];
  }
}
