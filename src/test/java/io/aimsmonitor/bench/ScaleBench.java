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
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The scale harness of issue #14: for estates of a given number of facts (10k, 100k, 1M by
 * default) on H2 (pooled file database) and on PostgreSQL (a schema of its own), it times what
 * {@code serve} runs after a collection, through {@link MonitorService#evaluate()} (so it measures
 * whatever the evaluation path is when it runs), storing through the review workflow's sink as
 * {@code serve} does ({@link ProductionSink}):
 *
 * <ul>
 *   <li>storing the snapshot;
 *   <li>the first evaluation (every finding opened), with the peak heap;
 *   <li>a steady evaluation, nothing changed, and the finding events it wrote;
 *   <li>a 1% change (a hundredth of the model versions, training runs and CI runs differ, and every
 *       fact is stamped with the new run's time, as a connector's run stamps them), stored and
 *       re-evaluated; then the same hundredth changed back, the cycle a running monitor repeats
 *       (the first runs largely before the JIT has compiled its paths);
 *   <li>five representative rules in Drools against a hand-written Java pass making the same
 *       decisions ({@link RuleFloor}).
 * </ul>
 *
 * <p>The estate has the shape of {@link EvaluationBench#registry}: per model version one training
 * run, half a CI run and a tenth of a dataset (2.6 facts per version; a twentieth of the versions
 * serve production). Rows are appended to {@code bench/results/scale.csv}; {@code bench/run
 * harness} turns them into the table and plots of docs/benchmarks.md.
 *
 * <p>Arguments: {@code [facts,...] [h2|postgres|h2,postgres]}, default {@code 10000,100000,1000000 h2,postgres}.
 */
public final class ScaleBench {

  static final String HEADER = "db,facts,versions,store_s,first_s,first_heap_mb,steady_s,steady_heap_mb,steady_events,"
      + "change_store_s,change_s,change_heap_mb,findings,drools5_ms,floor5_ms,heap_limit_mb,change_again_s";

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String s : (args.length > 0 ? args[0] : "10000,100000,1000000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    List<String> dbs = List.of((args.length > 1 ? args[1] : "h2,postgres").split(","));
    Path out = Path.of(System.getProperty("aims.bench.out", "bench/results/scale.csv"));
    Files.createDirectories(out.getParent());
    if (!Files.exists(out)) {
      Files.writeString(out, HEADER + "\n");
    }
    Path rules = Path.of(System.getProperty("aims.bench.rules", "rules"));
    for (int facts : sizes) {
      for (String db : dbs) {
        if (db.equals("postgres") && !BenchDatabases.postgresAvailable()) {
          System.err.println("PostgreSQL skipped: set " + BenchDatabases.POSTGRES_URL_ENV);
          continue;
        }
        String row = run(db, facts, rules);
        Files.writeString(out, row + "\n", StandardOpenOption.APPEND);
        System.out.println(row);
      }
    }
  }

  private static String run(String dbName, int facts, Path rules) throws Exception {
    int versions = (int) Math.round(facts / 2.6);
    Path dir = Files.createTempDirectory("aims-scale");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    try (BenchDatabases.Db db = dbName.equals("h2") ? BenchDatabases.h2(dir) : BenchDatabases.postgres("scale")) {
      TestStore store = TestStore.on(db.dataSource());
      JdbcClient jdbc = JdbcClient.create(db.dataSource());
      ConnectorConfig config = new ConnectorConfig("bench", "file", null, null, "0 0 * * * ?", Duration.ofHours(1),
          Duration.ofDays(1), true, null, Map.of("paths", List.of("unused")), dir.resolve("bench.yaml"));
      ConnectorTypes types = ConnectorTypes.discover();
      RuleBook book = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
      book.reload();
      MonitorService[] monitorRef = {null};
      CycleIo io = new CycleIo(db.dataSource());
      ReviewService review = ProductionSink.of(db.dataSource(), store.findings(), book, () -> monitorRef[0], clock);
      MonitorService monitor = new MonitorService(new ConnectorInstances(dir, List.of(config), types),
          new CollectionRunner(types, new Secrets(Map.of()), clock), store.snapshots(), book, evaluator(),
          new Reconciler(), store.findings(), store.evaluations(), UnaryOperator.identity(), clock,
          (result, inScope, changes) -> io.measure(() -> review.store(result, inScope, changes)), (f, at) -> { });
      monitorRef[0] = monitor;

      log("%s, %,d facts (%,d model versions): generating", db.name(), facts, versions);
      List<Fact> estate = EvaluationBench.registry(versions, clock.instant());
      long t = System.nanoTime();
      record(store, estate, clock.instant());
      double storeS = seconds(t);

      log("first evaluation");
      resetPeaks();
      t = System.nanoTime();
      monitor.evaluate();
      double firstS = seconds(t);
      long firstHeap = peakHeapMb();
      long findings = jdbc.sql("SELECT COUNT(*) FROM finding WHERE status = 'OPEN'").query(Long.class).single();
      String histogram = System.getProperty("aims.bench.histogram-after-first");
      if (histogram != null) {
        liveSetAfterFirst(Path.of(histogram));
        if (Boolean.getBoolean("aims.bench.first-only")) {
          return String.format(Locale.ROOT, "%s,%d,%d,%.2f,%.2f,%d,,,,,,,%d,,,%d,", dbName, estate.size(), versions, storeS,
              firstS, firstHeap, findings, Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
      }

      BenchDatabases.analyzeAsAutovacuumWould(db); // between cycles, as autovacuum would after the first store
      log("steady evaluation (nothing changed)");
      clock.advance(Duration.ofMinutes(1));
      long eventsBefore = events(jdbc);
      resetPeaks();
      t = System.nanoTime();
      monitor.evaluate();
      double steadyS = seconds(t);
      long steadyHeap = peakHeapMb();
      long steadyEvents = events(jdbc) - eventsBefore;

      log("1%% of the facts changed");
      clock.advance(Duration.ofMinutes(1));
      // collected anew: every fact stamped with this run's start, as connectors stamp them, the
      // dates inside the facts as in the first collection
      List<Fact> changed = EvaluationBench.registry(versions, clock.instant().minus(Duration.ofMinutes(2)), true,
          clock.instant());
      t = System.nanoTime();
      record(store, changed, clock.instant());
      double changeStoreS = seconds(t);
      // WHY dropped before the cycle: in serve the collected list is garbage once stored (the store
      // keeps the previous objects, or copies of them, for the facts that did not change); held
      // through the cycle it was a second estate of fresh objects on the heap, which under a 2 GB
      // limit brought the first 1% cycle to full collections (docs/benchmarks.md, "The first 1% cycle")
      changed = null;
      double changeS = changeCycle(monitor, io, "1% cycle");
      long changeHeap = peakHeapMb();

      // WHY a second 1% cycle: the first is the process's first evaluation of a change, so its
      // comparison, the packs' updates and the owners' pass run largely before the JIT has compiled
      // them (docs/benchmarks.md, "The 1% cycle's comparison at 1,000,000 facts"); a monitor that
      // serves for days pays that once. Both are reported: the first as before, this one as the
      // cycle a running monitor repeats. The same hundredth changes back, stamped with a new run.
      log("1%% of the facts changed again (back)");
      clock.advance(Duration.ofMinutes(1));
      List<Fact> back = EvaluationBench.registry(versions, clock.instant().minus(Duration.ofMinutes(3)), false,
          clock.instant());
      record(store, back, clock.instant());
      back = null;
      double changeAgainS = changeCycle(monitor, io, "1% cycle again");
      changeHeap = Math.max(changeHeap, peakHeapMb());

      log("five rules: Drools and the hand-written floor");
      RuleFloor.Result floor = RuleFloor.measure(rules, estate, clock.instant(), 5);
      long heapLimit = Runtime.getRuntime().maxMemory() / (1024 * 1024);
      return String.format(Locale.ROOT, "%s,%d,%d,%.2f,%.2f,%d,%.2f,%d,%d,%.2f,%.2f,%d,%d,%d,%d,%d,%.2f", dbName,
          estate.size(), versions, storeS, firstS, firstHeap, steadyS, steadyHeap, steadyEvents, changeStoreS, changeS,
          changeHeap, findings, floor.droolsMs(), floor.floorMs(), heapLimit, changeAgainS);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The live set after the first evaluation (issue #14's heap target): a full GC, the heap used
   * after it, and {@code jcmd <pid> GC.class_histogram} written to {@code file}
   * ({@code -Daims.bench.histogram-after-first=file}; with {@code -Daims.bench.first-only=true} the
   * run ends there). What stays reachable then is what the next cycle starts from: the sessions,
   * the change detection, the last cycle's snapshots.
   */
  private static void liveSetAfterFirst(Path file) throws IOException, InterruptedException {
    System.gc();
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    log("live heap after the first evaluation: %,d MB", (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024));
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
        .redirectErrorStream(true).redirectOutput(file.toFile()).start();
    log("class histogram (jcmd exit %d) in %s", process.waitFor(), file);
  }

  /**
   * H2's page reads and the evaluating thread's CPU of one cycle, split where the sink (the store
   * phase: reconciliation applied, review sync) starts and ends: what load does not change as it
   * changes wall time (issue #14). Zero page reads on PostgreSQL.
   */
  private static final class CycleIo {
    private final javax.sql.DataSource data;
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final long[][] marks = new long[3][];

    CycleIo(javax.sql.DataSource data) {
      this.data = data;
    }

    private long[] mark() {
      long[] io = FirstEvaluationBench.h2Io(data);
      return new long[] {io[0], io[1], threads.getCurrentThreadCpuTime()};
    }

    void start() {
      marks[0] = mark();
      marks[1] = null;
    }

    void measure(Runnable store) {
      long[] before = marks[0] == null ? null : mark();
      store.run();
      if (before != null) {
        marks[1] = before;
        marks[2] = mark();
      }
    }

    void report(String what) {
      long[] end = mark();
      if (marks[1] == null) {
        return;
      }
      log("%s: H2 page reads (MB) / thread CPU (ms): up to the store %,d (%.1f) / %,d, store %,d (%.1f) / %,d,"
          + " after it %,d (%.1f) / %,d", what, marks[1][0] - marks[0][0], (marks[1][1] - marks[0][1]) / 1e6,
          (marks[1][2] - marks[0][2]) / 1_000_000, marks[2][0] - marks[1][0], (marks[2][1] - marks[1][1]) / 1e6,
          (marks[2][2] - marks[1][2]) / 1_000_000, end[0] - marks[2][0], (end[1] - marks[2][1]) / 1e6,
          (end[2] - marks[2][2]) / 1_000_000);
      marks[0] = null;
    }
  }

  /** Incremental as serve runs it; -Daims.rules.incremental=false (e.g. in JAVA_TOOL_OPTIONS) measures the full path. */
  private static Evaluator evaluator() {
    return new Evaluator(new Evaluator.Incremental(!"false".equals(System.getProperty("aims.rules.incremental")),
        Evaluator.Incremental.DEFAULT.timeStep()));
  }

  private static void record(TestStore store, List<Fact> facts, Instant at) {
    store.snapshots().record(new CollectionResult("bench", at, at, true, facts, null, null, 0, 0), "file");
  }

  private static long events(JdbcClient jdbc) {
    return jdbc.sql("SELECT COUNT(*) FROM finding_event").query(Long.class).single();
  }

  /** One evaluation of a stored change: its seconds, with the heap peaks reset and the store's reads logged. */
  private static double changeCycle(MonitorService monitor, CycleIo io, String what) {
    resetPeaks();
    Map<String, Double> cpu = FirstEvaluationBench.threadCpu();
    long[] gc = gcCountAndMs();
    long t = System.nanoTime();
    io.start();
    monitor.evaluate();
    double s = seconds(t);
    io.report(what);
    long[] gcAfter = gcCountAndMs();
    // WHY: a first cycle runs before the JIT has compiled its paths; the compiler threads' CPU and
    // the collector's pauses in the cycle say what its wall time beyond the thread's own CPU went to
    log("%s: CPU by thread (s): %s; GC %d pauses, %,d ms, of them full %d, %,d ms", what,
        FirstEvaluationBench.threadCpuSince(cpu), gcAfter[0] - gc[0], gcAfter[1] - gc[1], gcAfter[2] - gc[2],
        gcAfter[3] - gc[3]);
    return s;
  }

  /** Collections and their milliseconds so far: all, then the old generation's (G1's full collections). */
  private static long[] gcCountAndMs() {
    long[] out = new long[4];
    for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      out[0] += bean.getCollectionCount();
      out[1] += bean.getCollectionTime();
      if (bean.getName().contains("Old")) {
        out[2] += bean.getCollectionCount();
        out[3] += bean.getCollectionTime();
      }
    }
    return out;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.err.printf("[%tT] " + format + "%n", prepend(new java.util.Date(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  static long peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
