package io.aimsmonitor.bench;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The first evaluation of {@link ScaleBench} alone, with the store step timed apart (issue #14: at
 * 1,000,000 facts 170 of its 209 s were writing the new findings to H2). The store step is the
 * production sink's ({@link ProductionSink}): the findings, then the waivers and default assignees. Prints one line: database,
 * facts, first evaluation s, of which store s (wall and process CPU), rows written, rows/s, peak
 * heap MB; then checks the hash chain of finding events (unless {@code -Daims.bench.noverify=true}).
 * Arguments: {@code facts [h2|postgres]}. {@code -Daims.bench.replays=N} applies the same
 * reconciliation again to fresh H2 databases ({@link #replays}), after the statements of
 * {@code -Daims.bench.replay-sql} (separated by {@code ;}, or {@code @file}; a schema variant, alternated with
 * {@code aims.bench.variants}); {@code -Daims.bench.h2suffix}
 * appends settings to the H2 URL (e.g. {@code ;CACHE_SIZE=65536}), and {@code -Daims.bench.h2settings}
 * replaces the application's ({@link BenchDatabases#h2(Path)}; e.g. alternated as
 * {@code aims.bench.variants=aims.bench.h2settings=;DB_CLOSE_ON_EXIT=FALSE|;DB_CLOSE_ON_EXIT=FALSE;PAGE_SIZE=65536}).
 */
public final class FirstEvaluationBench {

  /**
   * Applies the first evaluation's reconciliation again to fresh H2 databases, {@code n} times each
   * way when {@code aims.bench.variants} names settings of a system property to alternate
   * ({@code name=a|b}), back to back: wall and process CPU seconds per apply.
   */
  private static void replays(Reconciler.Result result, int n) throws Exception {
    String variants = System.getProperty("aims.bench.variants", "");
    String property = variants.isEmpty() ? null : variants.substring(0, variants.indexOf('='));
    String[] values = variants.isEmpty() ? new String[] {""} : variants.substring(variants.indexOf('=') + 1).split("\\|");
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < n; i++) {
      for (String value : values) {
        if (property != null) {
          System.setProperty(property, value);
        }
        Path dir = Files.createTempDirectory("aims-replay");
        try (BenchDatabases.Db db = BenchDatabases.h2(dir, System.getProperty("aims.bench.h2suffix", ""))) {
          TestStore store = TestStore.on(db.dataSource());
          String script = System.getProperty("aims.bench.replay-sql", "");
          if (script.startsWith("@")) { // a file, e.g. a migration
            script = Files.readString(Path.of(script.substring(1)));
          }
          for (String sql : script.split(";")) {
            if (!sql.isBlank()) { // a schema variant to compare, e.g. an index dropped
              JdbcClient.create(db.dataSource()).sql(sql).update();
            }
          }
          System.gc();
          long cpu = os.getProcessCpuTime();
          long threadCpu = threads.getCurrentThreadCpuTime();
          long gc = gcMillis();
          long[] io = h2Io(db.dataSource());
          Map<String, Double> perThread = threadCpu();
          long t = System.nanoTime();
          store.findings().apply(result);
          // the calling thread's CPU apart: the process's includes GC and H2's background writer,
          // whose share swings with the load (issue #14: pairs at load 12-15 disagreed by 30%)
          double wall = (System.nanoTime() - t) / 1e9;
          long[] ioAfter = h2Io(db.dataSource());
          System.out.printf(java.util.Locale.ROOT, "replay %d %s=%s wall_s=%.2f cpu_s=%.2f thread_cpu_s=%.2f gc_s=%.2f"
              + " load=%.1f page_reads=%d read_mb=%.1f file_mb=%.1f%n", i, property, value, wall,
              (os.getProcessCpuTime() - cpu) / 1e9, (threads.getCurrentThreadCpuTime() - threadCpu) / 1e9,
              (gcMillis() - gc) / 1e3, os.getSystemLoadAverage(), ioAfter[0] - io[0], (ioAfter[1] - io[1]) / 1e6,
              Files.size(dir.resolve("aims.mv.db")) / 1e6);
          System.out.println("replay " + i + " threads_cpu_s " + threadCpuSince(perThread));
        } finally {
          try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      }
    }
  }

  /**
   * H2's file reads so far (count, bytes): pages read back from the file because the page cache no
   * longer held them, which the store's commit and the review sync paid for (issue #14). Zeros on
   * PostgreSQL.
   */
  static long[] h2Io(javax.sql.DataSource ds) {
    try (java.sql.Connection c = ds.getConnection()) {
      if (!c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)) {
        return new long[2];
      }
      var session = (org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
      var files = session.getDatabase().getStore().getMvStore().getFileStore();
      return new long[] {files.getReadCount(), files.getReadBytes()};
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * CPU seconds so far of each of the process's threads, summed by thread name with its numbers
   * dropped (Linux {@code /proc/self/task}; empty elsewhere): which of the store's process CPU is
   * the writing thread's, H2's background writer's ("MVStore background"), the collector's or the
   * compiler's (issue #14: the first evaluation's store on H2 varied by 40% between quiet runs).
   */
  static Map<String, Double> threadCpu() {
    Map<String, Double> out = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (var dirs = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) dirs::iterator) {
        try {
          ProcStat stat = ProcStat.read(task.resolve("stat"));
          out.merge(stat.name().replaceAll("[0-9#]+", "#"), stat.cpuSeconds(), Double::sum);
        } catch (java.io.IOException | RuntimeException e) {
          // the thread ended while it was read
        }
      }
    } catch (java.io.IOException e) {
      return out;
    }
    return out;
  }

  /** The threads whose CPU grew from {@code before} to now, most first, as {@code name=s}. */
  static String threadCpuSince(Map<String, Double> before) {
    Map<String, Double> now = threadCpu();
    return now.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 0.05).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> String.format(java.util.Locale.ROOT, "%s=%.2f", e.getKey().replace(' ', '_'), e.getValue()))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /** Milliseconds all collectors have run so far. */
  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  public static void main(String[] args) throws Exception {
    int facts = Integer.parseInt(args.length > 0 ? args[0] : "100000");
    String dbName = args.length > 1 ? args[1] : "h2";
    int versions = (int) Math.round(facts / 2.6);
    Path dir = Files.createTempDirectory("aims-first");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (BenchDatabases.Db db = dbName.equals("h2") ? BenchDatabases.h2(dir, System.getProperty("aims.bench.h2suffix", ""))
        : BenchDatabases.postgres("first")) {
      TestStore store = TestStore.on(db.dataSource());
      JdbcClient jdbc = JdbcClient.create(db.dataSource());
      ConnectorConfig config = new ConnectorConfig("bench", "file", null, null, "0 0 * * * ?", Duration.ofHours(1),
          Duration.ofDays(1), true, null, Map.of("paths", List.of("unused")), dir.resolve("bench.yaml"));
      ConnectorTypes types = ConnectorTypes.discover();
      RuleBook book = new RuleBook(Path.of("rules"), new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
      book.reload();
      long[] storeNanos = {0};
      long[] storeCpu = {0};
      long[] storeThreadCpu = {0};
      long[] storeReads = {0};
      long[] storeReadBytes = {0};
      StringBuilder storeThreads = new StringBuilder();
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      Reconciler.Result[] stored = {null};
      MonitorService[] monitorRef = {null};
      ReviewService review = ProductionSink.of(db.dataSource(), store.findings(), book, () -> monitorRef[0], clock);
      MonitorService monitor = new MonitorService(new ConnectorInstances(dir, List.of(config), types),
          new CollectionRunner(types, new Secrets(Map.of()), clock), store.snapshots(), book,
          new Evaluator(Evaluator.Incremental.DEFAULT), new Reconciler(), store.findings(), store.evaluations(),
          UnaryOperator.identity(), clock, (result, inScope, changedSubjects) -> {
            long[] io = h2Io(db.dataSource());
            long t = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            long threadCpu = threads.getCurrentThreadCpuTime();
            Map<String, Double> perThread = threadCpu();
            review.store(result, inScope, changedSubjects);
            storeThreads.append(threadCpuSince(perThread));
            storeNanos[0] += System.nanoTime() - t;
            storeCpu[0] += os.getProcessCpuTime() - cpu;
            storeThreadCpu[0] += threads.getCurrentThreadCpuTime() - threadCpu;
            long[] ioAfter = h2Io(db.dataSource());
            storeReads[0] += ioAfter[0] - io[0];
            storeReadBytes[0] += ioAfter[1] - io[1];
            stored[0] = result;
          }, (f, at) -> { });
      monitorRef[0] = monitor;
      List<Fact> estate = EvaluationBench.registry(versions, clock.instant());
      store.snapshots().record(new CollectionResult("bench", clock.instant(), clock.instant(), true, estate, null, null,
          0, 0), "file");
      estate = null;
      ScaleBench.resetPeaks();
      System.err.println("first evaluation starts (pid " + ProcessHandle.current().pid() + ")");
      long t = System.nanoTime();
      monitor.evaluate();
      double firstS = (System.nanoTime() - t) / 1e9;
      long heap = ScaleBench.peakHeapMb();
      double storeS = storeNanos[0] / 1e9;
      long findings = jdbc.sql("SELECT COUNT(*) FROM finding").query(Long.class).single();
      long events = jdbc.sql("SELECT COUNT(*) FROM finding_event").query(Long.class).single();
      long owners = jdbc.sql("SELECT COUNT(*) FROM finding_owner").query(Long.class).single();
      long controls = jdbc.sql("SELECT COUNT(*) FROM finding_control").query(Long.class).single();
      long rows = findings + events + owners + controls;
      System.out.printf(java.util.Locale.ROOT, "%s facts=%d first_s=%.2f store_s=%.2f store_cpu_s=%.2f store_thread_cpu_s=%.2f store_page_reads=%d store_read_mb=%.1f findings=%d events=%d owners=%d"
          + " controls=%d rows_per_s=%.0f findings_per_s=%.0f peak_heap_mb=%d%n", db.name(), facts, firstS, storeS, storeCpu[0] / 1e9,
          storeThreadCpu[0] / 1e9, storeReads[0], storeReadBytes[0] / 1e6,
          findings, events, owners, controls, rows / storeS, findings / storeS, heap);
      System.out.println("store threads_cpu_s " + storeThreads);
      if (!Boolean.getBoolean("aims.bench.noverify")) {
        var report = new io.aimsmonitor.integrity.HashChains(new org.springframework.jdbc.core.JdbcTemplate(
            db.dataSource())).verify();
        System.out.println("hash chains intact: " + report.intact() + (report.intact() ? "" : " " + report.firstBreak()));
      }
      replays(stored[0], Integer.getInteger("aims.bench.replays", 0));
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
