package io.aimsmonitor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.testing.JUnitXml;
import io.aimsmonitor.rules.testing.RuleTestReport;
import io.aimsmonitor.rules.testing.RuleTestReport.CaseResult;
import io.aimsmonitor.rules.testing.RuleTestReport.Outcome;
import io.aimsmonitor.rules.testing.RuleTestReport.PackReport;
import io.aimsmonitor.rules.testing.RuleTestReport.RuleCoverage;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of every shipped pack ({@code rules/<pack>/tests/*.yaml}) as one dynamic test,
 * named after the case, so a failing case shows in the build with its missing and unexpected
 * violations.
 */
class RulePackCasesTest {

  private static final Path RULES = Path.of("rules");
  private static RuleTestReport report;

  /** One run of all packs, shared by the tests of this class (compiling the packs takes seconds). */
  static synchronized RuleTestReport report() {
    if (report == null) {
      report = new RuleTestRunner(new RulePackLoader(ControlCatalog.bundled()), new Evaluator(), Clock.systemUTC())
          .run(RULES);
    }
    return report;
  }

  @TestFactory
  Stream<DynamicNode> everyCaseOfEveryPack() {
    return report().packs().stream().map(pack -> DynamicContainer.dynamicContainer(pack.pack(),
        pack.directory().toUri(), pack.problems().isEmpty() ? cases(pack)
            : Stream.of(DynamicTest.dynamicTest("load", () -> fail(String.join("\n", pack.problems()))))));
  }

  private static Stream<DynamicTest> cases(PackReport pack) {
    return pack.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), c.file() == null ? null : c.file().toUri(),
        () -> assertEquals(Outcome.PASSED, c.outcome(), () -> describe(c))));
  }

  private static String describe(CaseResult c) {
    return c.file() + ": case \"" + c.name() + "\": "
        + (c.outcome() == Outcome.ERROR ? c.error() : "\n" + JUnitXml.details(c));
  }

  @Test
  void allSixPacksLoadAndHaveCases() {
    List<String> packs = report().packs().stream().map(PackReport::pack).toList();
    assertEquals(List.of("aims-data", "aims-documentation", "aims-governance", "aims-lifecycle", "aims-monitoring",
        "aims-third-party"), packs);
    for (PackReport pack : report().packs()) {
      assertEquals(List.of(), pack.problems(), pack.pack());
      assertTrue(pack.cases().size() >= pack.coverage().size(), pack.pack() + " has fewer cases than rules");
    }
  }

  @Test
  void everyRuleHasAViolatingAndACompliantCase() {
    List<String> incomplete = report().packs().stream().flatMap(p -> p.coverage().stream())
        .filter(rc -> !rc.complete())
        .map(rc -> rc.rule() + " (violating " + rc.violatingCases() + ", compliant " + rc.compliantCases() + ")")
        .toList();
    assertEquals(List.of(), incomplete);
    assertTrue(report().packs().stream().mapToLong(p -> p.coverage().stream().filter(RuleCoverage::complete).count())
        .sum() >= 40, "the shipped packs define at least 40 tested rules");
  }
}
