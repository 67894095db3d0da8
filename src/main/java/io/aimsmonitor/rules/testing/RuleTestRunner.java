package io.aimsmonitor.rules.testing;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackException;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.rules.testing.RuleTestCase.Expectation;
import io.aimsmonitor.rules.testing.RuleTestReport.CaseResult;
import io.aimsmonitor.rules.testing.RuleTestReport.Outcome;
import io.aimsmonitor.rules.testing.RuleTestReport.PackReport;
import io.aimsmonitor.rules.testing.RuleTestReport.RuleCoverage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs the test cases of rule packs ({@code rules/<pack>/tests/*.yaml}, see {@link RuleTestFile})
 * through the same loader and evaluator as production, and compares the violations with the
 * expected ones by (rule id, subject key). Used by {@code aims-monitor test-rules} and by the
 * build's {@code RulePackCasesTest}.
 */
public final class RuleTestRunner {

  private final RulePackLoader loader;
  private final Evaluator evaluator;
  private final Clock clock;

  /** @param clock gives the evaluation time of cases that set no {@code now} */
  public RuleTestRunner(RulePackLoader loader, Evaluator evaluator, Clock clock) {
    this.loader = loader;
    this.evaluator = evaluator;
    this.clock = clock;
  }

  /** True when {@code dir} is a single pack rather than a folder of packs. */
  public static boolean isPack(Path dir) {
    return RulePackLoader.isPack(dir);
  }

  /**
   * Loads and tests one pack folder, or every pack in a rules folder (where rule ids must also be
   * unique across packs, exactly as the service checks them).
   */
  public RuleTestReport run(Path dir) {
    List<PackReport> reports = new ArrayList<>();
    if (isPack(dir)) {
      try {
        RulePack pack = loader.load(dir, Map.of());
        reports.add(test(pack));
      } catch (RulePackException e) {
        reports.add(new PackReport(dir.getFileName().toString(), dir, e.problems(), List.of(), List.of()));
      }
      return new RuleTestReport(reports);
    }
    if (!Files.isDirectory(dir)) {
      return new RuleTestReport(List.of(new PackReport(dir.toString(), dir,
          List.of(dir + ": no such folder"), List.of(), List.of())));
    }
    RuleBook book = new RuleBook(dir, loader, Map.of(), clock);
    RuleBook.ReloadReport loaded = book.reload();
    for (RuleBook.Rejection r : loaded.rejected()) {
      reports.add(new PackReport(r.pack(), dir.resolve(r.pack()), r.problems(), List.of(), List.of()));
    }
    for (RulePack pack : book.allPacks()) {
      reports.add(test(pack));
    }
    reports.sort(java.util.Comparator.comparing(PackReport::pack));
    return new RuleTestReport(reports);
  }

  /** Runs every case of one loaded pack. */
  public PackReport test(RulePack pack) {
    List<CaseResult> results = new ArrayList<>();
    List<RuleTestCase> cases = new ArrayList<>();
    for (Path file : testFiles(pack.directory())) {
      for (RuleTestFile.Entry entry : RuleTestFile.read(file, clock.instant())) {
        if (entry.testCase() == null) {
          results.add(new CaseResult(pack.name(), file, entry.name(), Outcome.ERROR, List.of(), List.of(),
              entry.error(), Duration.ZERO));
        } else {
          cases.add(entry.testCase());
          results.add(run(pack, entry.testCase()));
        }
      }
    }
    return new PackReport(pack.name(), pack.directory(), List.of(), results, coverage(pack, cases));
  }

  /** Runs one case against {@code pack}. */
  public CaseResult run(RulePack pack, RuleTestCase c) {
    long started = System.nanoTime();
    Set<String> ruleIds = new LinkedHashSet<>();
    pack.rules().forEach(r -> ruleIds.add(r.id()));
    List<String> unknown = c.expect().stream().map(Expectation::rule).filter(r -> !ruleIds.contains(r)).distinct().toList();
    if (!unknown.isEmpty()) {
      return error(pack, c, "expects rule(s) " + unknown + " that pack '" + pack.name() + "' does not define", started);
    }
    RulePack configured;
    try {
      configured = pack.withParameters(c.parameters());
    } catch (IllegalArgumentException e) {
      return error(pack, c, e.getMessage(), started);
    }
    Evaluator.PackResult result = evaluator.evaluate(configured, c.facts(), c.now());
    if (!result.succeeded()) {
      return error(pack, c, result.error(), started);
    }
    // A rule firing twice for one subject makes one finding, so violations compare as a set.
    Map<Expectation, Violation> actual = findings(result);
    if (!configured.factTypes().semiJoins().isEmpty()) {
      // pack.yaml's semiJoins promise that no rule can match a withheld fact: every case checks it,
      // since a wrong promise would silently drop (or, through a negation, invent) findings
      Evaluator.PackResult unjoined = evaluator.evaluate(configured.withoutSemiJoins(), c.facts(), c.now());
      if (!unjoined.succeeded()) {
        return error(pack, c, unjoined.error(), started);
      }
      Map<Expectation, Violation> every = findings(unjoined);
      if (!every.keySet().equals(actual.keySet())) {
        List<String> lost = every.keySet().stream().filter(e -> !actual.containsKey(e)).map(Expectation::toString).toList();
        List<String> gained = actual.keySet().stream().filter(e -> !every.containsKey(e)).map(Expectation::toString).toList();
        return error(pack, c, "pack.yaml semiJoins " + configured.factTypes().semiJoins() + " change what the rules decide"
            + " on this case (a rule reads a fact that no fact of the other class names): given every fact, "
            + (lost.isEmpty() ? "" : "found " + lost + " that the semi-join loses")
            + (lost.isEmpty() || gained.isEmpty() ? "" : "; ")
            + (gained.isEmpty() ? "" : "did not find " + gained + " that the semi-join reports")
            + "; remove or correct the declaration (docs/writing-rules.md)", started);
      }
    }
    Set<Expectation> expected = new LinkedHashSet<>(c.expect());
    List<Expectation> missing = expected.stream().filter(e -> !actual.containsKey(e)).toList();
    List<Violation> unexpected = actual.entrySet().stream().filter(e -> !expected.contains(e.getKey()))
        .map(Map.Entry::getValue).toList();
    Outcome outcome = missing.isEmpty() && unexpected.isEmpty() ? Outcome.PASSED : Outcome.FAILED;
    return new CaseResult(pack.name(), c.file(), c.name(), outcome, missing, unexpected, null, since(started));
  }

  private static Map<Expectation, Violation> findings(Evaluator.PackResult result) {
    Map<Expectation, Violation> out = new LinkedHashMap<>();
    for (Violation v : result.violations()) {
      out.putIfAbsent(new Expectation(v.ruleId(), v.subject().key()), v);
    }
    return out;
  }

  private static CaseResult error(RulePack pack, RuleTestCase c, String error, long started) {
    return new CaseResult(pack.name(), c.file(), c.name(), Outcome.ERROR, List.of(), List.of(), error, since(started));
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /**
   * Per rule: cases expecting it, and cases where it must stay silent although they hold a fact
   * of a type it reads (so the rule had something to decide on and decided "compliant").
   */
  static List<RuleCoverage> coverage(RulePack pack, List<RuleTestCase> cases) {
    List<RuleCoverage> out = new ArrayList<>();
    for (RuleDefinition rule : pack.rules()) {
      int violating = 0;
      int compliant = 0;
      for (RuleTestCase c : cases) {
        if (c.expect().stream().anyMatch(e -> e.rule().equals(rule.id()))) {
          violating++;
        } else if (c.facts().stream().map(Fact::getClass).anyMatch(rule.factTypes()::contains)) {
          compliant++;
        }
      }
      out.add(new RuleCoverage(rule.id(), violating, compliant));
    }
    return out;
  }

  /** {@code tests/*.yaml} and {@code *.yml} of a pack, sorted; none when it has no tests folder. */
  public static List<Path> testFiles(Path packDir) {
    Path tests = packDir.resolve("tests");
    if (!Files.isDirectory(tests)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(tests)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + tests, e);
    }
  }
}
