package io.aimsmonitor.rules.testing;

import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.rules.testing.RuleTestCase.Expectation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What {@link RuleTestRunner} found: per pack, whether it loaded, each case's outcome, and rule coverage. */
public record RuleTestReport(List<PackReport> packs) {

  public RuleTestReport {
    packs = List.copyOf(packs);
  }

  public List<CaseResult> cases() {
    return packs.stream().flatMap(p -> p.cases().stream()).toList();
  }

  /** Packs that could not be loaded (or a folder with no packs): {@code test-rules} exits 2. */
  public boolean invalid() {
    return packs.isEmpty() || packs.stream().anyMatch(p -> !p.problems().isEmpty());
  }

  public long failures() {
    return cases().stream().filter(c -> c.outcome() != Outcome.PASSED).count();
  }

  /** True when every pack loaded and every case passed. */
  public boolean succeeded() {
    return !invalid() && failures() == 0;
  }

  public enum Outcome {
    /** Exactly the expected violations. */
    PASSED,
    /** Some expected violation missing or some other violation reported. */
    FAILED,
    /** The case could not be run: malformed file or fact, unknown rule or parameter, a rule threw. */
    ERROR
  }

  /**
   * One pack's results.
   *
   * @param problems why the pack could not be loaded; empty when it loaded
   * @param coverage per rule, how many cases show it violated and how many show it satisfied
   */
  public record PackReport(String pack, Path directory, List<String> problems, List<CaseResult> cases,
      List<RuleCoverage> coverage) {
    public PackReport {
      problems = List.copyOf(problems);
      cases = List.copyOf(cases);
      coverage = List.copyOf(coverage);
    }
  }

  /**
   * One case's outcome.
   *
   * @param missing expected violations the rules did not report
   * @param unexpected violations reported that the case does not expect (with their messages)
   * @param error why the case could not run (outcome ERROR), else null
   */
  public record CaseResult(String pack, Path file, String name, Outcome outcome, List<Expectation> missing,
      List<Violation> unexpected, String error, Duration took) {
    public CaseResult {
      missing = List.copyOf(missing);
      unexpected = List.copyOf(unexpected);
    }
  }

  /**
   * How well a rule is tested: cases expecting it to fire, and cases where it must not fire
   * although they hold a fact of a type it reads.
   */
  public record RuleCoverage(String rule, int violatingCases, int compliantCases) {
    public boolean complete() {
      return violatingCases > 0 && compliantCases > 0;
    }
  }
}
