package io.aimsmonitor.bench;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each shipped pack's long-lived session keeps (issue #14's heap target), without a database:
 * the {@link EvaluationBench#registry} estate of {@code facts} facts, then one incremental
 * {@link Evaluator} per pack, each kept alive, with the live heap after a full GC before and after
 * each (the rise includes the evaluator's own change detection; an evaluator given no pack is
 * measured first for that). Prints per pack: the rise, the violations and the first evaluation's
 * time. {@code -Daims.bench.rules=dir} evaluates other rules (before/after a rewrite);
 * {@code -Daims.bench.histogram=file} takes {@code jcmd GC.class_histogram} at the end.
 *
 * <pre>java -Xmx5g -cp ... io.aimsmonitor.bench.PackHeapBench 300000</pre>
 */
public final class PackHeapBench {

  public static void main(String[] args) throws Exception {
    int facts = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    Path rules = Path.of(System.getProperty("aims.bench.rules", "rules"));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    RuleBook book = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
    book.reload();
    List<Fact> estate = EvaluationBench.registry((int) Math.round(facts / 2.6), clock.instant());
    long base = live();
    System.out.printf("estate %,d facts, packs loaded: %,d MB live%n", estate.size(), base);
    List<Evaluator> kept = new ArrayList<>();
    Evaluator none = new Evaluator(Evaluator.Incremental.DEFAULT);
    none.evaluateLive(List.of(), estate, clock.instant());
    kept.add(none);
    long before = live();
    System.out.printf("%-20s %6d MB (change detection alone)%n", "no pack", before - base);
    long total = 0;
    for (RulePack pack : book.packs()) {
      Evaluator evaluator = new Evaluator(Evaluator.Incremental.DEFAULT);
      long t = System.nanoTime();
      List<Evaluator.PackResult> results = evaluator.evaluateLive(List.of(pack), estate, clock.instant());
      long ms = (System.nanoTime() - t) / 1_000_000;
      kept.add(evaluator);
      long after = live();
      int violations = results.stream().mapToInt(r -> r.violations().size()).sum();
      total += violations;
      System.out.printf("%-20s %6d MB  %,8d violations  %,7d ms%s%n", pack.name(), after - before, violations, ms,
          results.stream().map(Evaluator.PackResult::error).filter(e -> e != null).map(e -> "  ERROR " + e)
              .findFirst().orElse(""));
      before = after;
    }
    System.out.printf("all packs: %,d MB live, %,d violations%n", before, total);
    String histogram = System.getProperty("aims.bench.histogram");
    if (histogram != null) {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      new ProcessBuilder(jcmd, String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectErrorStream(true).redirectOutput(Path.of(histogram).toFile()).start().waitFor();
    }
    System.out.println(kept.size() + " evaluators kept");
  }

  private static long live() {
    System.gc();
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
  }
}
