package io.aimsmonitor.bench;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Evaluation alone, per rule pack, without the store: the shipped packs over the synthetic
 * registry of {@link EvaluationBench} (N model versions, one in 20 in production). Shows which
 * pack a slow evaluation comes from; the median of the measured rounds per pack.
 *
 * <p>Run: {@code bench/run RulePackBench [versions] [rounds]} (default 10000 7; two warm-up rounds first).
 */
public final class RulePackBench {

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    RuleBook book = new RuleBook(Path.of(System.getProperty("aims.bench.rules", "rules")),
        new RulePackLoader(ControlCatalog.bundled()), Map.of(), Clock.systemUTC());
    book.reload();
    Instant now = Instant.now();
    List<Fact> facts = EvaluationBench.registry(n, now);
    Evaluator evaluator = new Evaluator();
    System.out.printf("| pack | rules | violations | evaluation (median of %d) |%n| --- | ---: | ---: | ---: |%n", rounds);
    long total = 0;
    for (RulePack pack : book.packs()) {
      List<Long> times = new ArrayList<>();
      int violations = 0;
      for (int round = -2; round < rounds; round++) {
        long started = System.nanoTime();
        Evaluator.PackResult result = evaluator.evaluate(pack, facts, now);
        if (!result.succeeded()) {
          throw new IllegalStateException(result.error());
        }
        if (round >= 0) {
          times.add((System.nanoTime() - started) / 1_000_000);
        }
        violations = result.violations().size();
      }
      Collections.sort(times);
      long median = times.get(times.size() / 2);
      total += median;
      System.out.printf("| %s | %d | %,d | %d ms |%n", pack.name(), pack.rules().size(), violations, median);
    }
    System.out.printf("| all (%,d facts) | %d | | %d ms |%n", facts.size(), book.rules().size(), total);
  }
}
