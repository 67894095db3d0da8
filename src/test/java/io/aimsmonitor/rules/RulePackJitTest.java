package io.aimsmonitor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.testing.RuleTestReport;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drools compiles a constraint to bytecode after it has been evaluated often (20 times by
 * default), which the small test cases never reach: a constraint that only breaks once compiled
 * (a static interface method such as {@code List.of} does) would pass every case and fail in
 * production. Here the packs are built to compile every constraint at its first evaluation.
 */
class RulePackJitTest {

  @Test
  void everyCasePassesWithConstraintsCompiledToBytecode() {
    String previous = System.getProperty("drools.jittingThreshold");
    System.setProperty("drools.jittingThreshold", "0");
    try {
      RuleTestReport report = new RuleTestRunner(new RulePackLoader(ControlCatalog.bundled()), new Evaluator(),
          Clock.systemUTC()).run(Path.of("rules"));
      assertEquals(List.of(), report.cases().stream().filter(c -> c.outcome() != RuleTestReport.Outcome.PASSED)
          .map(c -> c.pack() + ": " + c.name() + ": " + (c.error() != null ? c.error() : c.missing() + " " + c.unexpected()))
          .toList());
      assertEquals(6, report.packs().size());
    } finally {
      if (previous == null) {
        System.clearProperty("drools.jittingThreshold");
      } else {
        System.setProperty("drools.jittingThreshold", previous);
      }
    }
  }
}
