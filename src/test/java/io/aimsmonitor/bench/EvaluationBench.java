package io.aimsmonitor.bench;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Evaluation and reconciliation at scale: the shipped rule packs over a synthetic registry of N
 * model versions with their runs, datasets and CI runs, stored in an H2 file database, as
 * {@code serve} does (pooled). Prints one Markdown table row per size for docs/benchmarks.md. The
 * full harness over 10k to 1M facts, H2 and PostgreSQL is {@link ScaleBench}.
 *
 * <p>Run: {@code bench/run EvaluationBench [sizes...]} (default 1000 10000 30000).
 */
public final class EvaluationBench {

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000, 10_000, 30_000);
    }
    Path rules = Path.of(System.getProperty("aims.bench.rules", "rules"));
    System.out.println("| model versions | facts | rules | first evaluation (all findings open) | steady-state evaluation | findings | snapshot JSON | peak heap |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int n : sizes) {
      run(n, rules);
    }
  }

  private static void run(int n, Path rules) throws Exception {
    Path dir = Files.createTempDirectory("aims-bench");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    // pooled, as production: see BenchDatabases
    TestStore store = TestStore.on(BenchDatabases.h2(dir).dataSource());
    ConnectorConfig config = new ConnectorConfig("bench", "file", null, null, "0 0 * * * ?", Duration.ofHours(1),
        Duration.ofDays(1), true, null, Map.of("paths", List.of("unused")), dir.resolve("bench.yaml"));
    ConnectorTypes types = ConnectorTypes.discover();
    RuleBook book = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
    book.reload();
    MonitorService monitor = new MonitorService(new ConnectorInstances(dir, List.of(config), types),
        new CollectionRunner(types, new Secrets(Map.of()), clock), store.snapshots(), book, new Evaluator(),
        new Reconciler(), store.findings(), store.evaluations(), UnaryOperator.identity(), clock);

    List<Fact> facts = registry(n, clock.instant());
    store.snapshots().record(new CollectionResult("bench", clock.instant(), clock.instant(), true, facts, null, null, 0, 0),
        "file");
    int jsonBytes = FactJson.write(facts).length();
    resetPeaks();
    System.err.printf("%d model versions: first evaluation...%n", n);
    long t0 = System.nanoTime();
    var first = monitor.evaluate();
    long t1 = System.nanoTime();
    clock.advance(Duration.ofMinutes(1));
    System.err.printf("%d model versions: steady-state evaluation...%n", n);
    monitor.evaluate();
    long t2 = System.nanoTime();
    System.out.printf("| %,d | %,d | %d | %.2f s | %.2f s | %,d | %.1f MB | %d MB |%n", n, facts.size(),
        book.rules().size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, first.run().opened(), jsonBytes / 1e6, peakHeapMb());
  }

  /** A registry where about a third of the production versions miss something. */
  static List<Fact> registry(int n, Instant now) {
    return registry(n, now, false);
  }

  /**
   * The same registry; with {@code changed}, 1% of the model versions, training runs and CI runs
   * differ: the owner, the metrics, the CI conclusion flip.
   *
   * <p>Which 1%: by default spread over the estate as a hash would pick them ({@link #changes}),
   * so that a twentieth of the changed versions serve production, as in the estate. Until
   * 1 December 2026 it was every hundredth index ({@code i % 100 == 19}), and since every twentieth
   * index is a production version, every changed version was a production one: twenty times the
   * estate's share, and production versions are what most rules report on. That worst case is kept
   * as {@code -Daims.bench.change-shape=production} (docs/benchmarks.md gives both).
   */
  static List<Fact> registry(int n, Instant now, boolean changed) {
    return registry(n, now, changed, now);
  }

  /**
   * The same registry as collected at {@code observed}: every fact stamped with that time, as
   * connectors stamp each fact with the start of their run, while the dates in the facts (created,
   * validated, quality checks) stay relative to {@code now}.
   */
  static List<Fact> registry(int n, Instant now, boolean changed, Instant observed) {
    List<Fact> facts = new ArrayList<>(n * 3);
    for (int d = 0; d < Math.max(1, n / 10); d++) {
      facts.add(new Dataset("bench", null, observed, "datahub", "lake.table_" + d, "table_" + d,
          d % 4 == 0 ? List.of() : List.of("data-team"), d % 3 == 0 ? List.of() : List.of("confidential"),
          "table " + d, List.of("raw.source_" + d), List.of(new Dataset.QualityCheck("not_null", "PASSED",
              now.minus(Duration.ofDays(d % 60)))), null, now));
    }
    for (int i = 0; i < n; i++) {
      String model = "model-" + (i / 20);
      String version = String.valueOf(i % 20 + 1);
      boolean production = i % 20 == 19;
      boolean flip = changed && changes(i, 19);
      String commit = sha(i);
      facts.add(new ModelVersion("bench", null, observed, "mlflow", model, version, production ? "Production" : "None",
          i % 40 == 39 ? List.of("champion") : List.of(), (i % 3 == 0) != flip ? List.of() : List.of("owner-" + (i % 7)),
          null, i % 5 == 0 ? "" : "model " + model, Map.of("team", "t" + (i % 9)), "run-" + i, null,
          i % 4 == 0 ? null : commit,
          i % 6 == 0 ? null : "APPROVED", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(2)),
          production ? now.minus(Duration.ofDays(2)) : null, null, null));
      facts.add(new TrainingRun("bench", null, observed, "mlflow", null, "run-" + i, "exp-" + (i / 100), "train", "FINISHED",
          "user", (i % 8 == 0) != flip ? Map.of() : Map.of("auc", 0.9), Map.of("lr", "0.1"), Map.of(), i % 4 == 0 ? null : commit,
          List.of(new TrainingRun.DatasetInput("lake.table_" + (i % Math.max(1, n / 10)), "d", null, "training")),
          now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(31))));
      if (i % 2 == 0) {
        facts.add(new PipelineRun("bench", null, observed, "github-actions", "acme/" + model, "ci", "r" + i, "main", commit,
            "completed", (i % 10 == 0) != (changed && changes(i, 18)) ? "failure" : "success", now.minus(Duration.ofDays(32)),
            now.minus(Duration.ofDays(32)), null));
      }
    }
    return facts;
  }

  /** Whether the version (or CI run) at index {@code i} is in the changed 1% (see {@link #registry(int, Instant, boolean)}). */
  static boolean changes(int i, int residue) {
    if ("production".equals(System.getProperty("aims.bench.change-shape"))) {
      return i % 100 == residue;
    }
    long z = (i + 1) * 0xD1B54A32D192ED03L; // a bijection's multiply-xorshift: indexes spread, not aligned with i % 20
    z ^= z >>> 32;
    return Long.remainderUnsigned(z, 100) == residue;
  }

  /**
   * A 40-digit commit sha unique to {@code i}. Its first digits are spread as a real git sha's (a
   * hash): {@code %040x} of {@code i} gave every commit the prefix 0000000, which rules join runs on
   * (PipelineRun.commitPrefix), so every version was compared with every run, which no real
   * repository does.
   */
  static String sha(long i) {
    long z = (i + 1) * 0x9E3779B97F4A7C15L; // SplitMix64's finaliser: a bijection, so prefixes spread evenly
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return String.format(Locale.ROOT, "%016x%024x", z, i);
  }

  private static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }
}
