package io.aimsmonitor.cli;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.CompiledPackCache;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.testing.JUnitXml;
import io.aimsmonitor.rules.testing.RuleTestReport;
import io.aimsmonitor.rules.testing.RuleTestReport.CaseResult;
import io.aimsmonitor.rules.testing.RuleTestReport.Outcome;
import io.aimsmonitor.rules.testing.RuleTestReport.PackReport;
import io.aimsmonitor.rules.testing.RuleTestReport.RuleCoverage;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs the test cases of rule packs ({@code <pack>/tests/*.yaml}): exit 0 when all pass, 1 when a
 * case fails, 2 when a pack is invalid. See docs/writing-rules.md.
 */
@Command(name = "test-rules", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class, description = "Run the test cases of rule packs (<pack>/tests/*.yaml); exit 1 on a failing case,"
    + " 2 on an invalid pack, a missing folder or no test cases at all.")
public class TestRulesCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1",
      description = "a rules folder (every pack in it) or one pack folder (default: ./rules, else the bundled packs)")
  Path dir;

  @Option(names = "--junit-xml", paramLabel = "FILE", description = "also write the results as JUnit XML, for CI")
  Path junitXml;

  @Option(names = "--verbose", description = "list passing cases too, and log to the console")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliLogging.configure(verbose);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RuleTestRunner runner = new RuleTestRunner(new RulePackLoader(ControlCatalog.bundled()).withCache(CompiledPackCache.fromEnvironment()), new Evaluator(),
        Clock.systemUTC());
    try (Inputs inputs = new Inputs()) {
      Path folder;
      try {
        folder = inputs.rules(dir);
      } catch (IllegalStateException e) {
        err.println("error: " + e.getMessage().replaceFirst("^--rules", "test-rules"));
        err.flush();
        return ExitCodes.INVALID;
      }
      return run(runner, folder, out, err);
    }
  }

  private int run(RuleTestRunner runner, Path folder, PrintWriter out, PrintWriter err) {
    RuleTestReport report = runner.run(folder);
    print(report, folder, out);
    if (junitXml != null) {
      try {
        JUnitXml.write(report, junitXml);
        out.println("JUnit XML written to " + junitXml);
      } catch (IOException e) {
        err.println("error: --junit-xml: " + e.getMessage());
        out.flush();
        err.flush();
        return ExitCodes.INVALID;
      }
    }
    out.flush();
    err.flush();
    if (report.invalid()) {
      return ExitCodes.INVALID;
    }
    if (report.packs().isEmpty() || report.cases().isEmpty()) {
      return ExitCodes.INVALID; // a check that tested nothing must not pass
    }
    return report.failures() > 0 ? ExitCodes.FINDINGS : ExitCodes.OK;
  }

  /** The whole report goes to standard output, in order, so that a CI log reads top to bottom. */
  private void print(RuleTestReport report, Path folder, PrintWriter out) {
    if (report.packs().isEmpty()) {
      out.println("error: " + folder + ": no rule packs (folders with a pack.yaml)");
    } else if (report.cases().isEmpty()) {
      out.println("error: " + folder + ": no test cases in any pack (add <pack>/tests/*.yaml): nothing was tested");
    }
    for (PackReport pack : report.packs()) {
      if (!pack.problems().isEmpty()) {
        out.println("error: rule pack '" + pack.pack() + "' is invalid:");
        pack.problems().forEach(p -> out.println("  " + p));
        continue;
      }
      long failed = pack.cases().stream().filter(c -> c.outcome() != Outcome.PASSED).count();
      out.printf("%s: %d case(s), %d passed, %d failed%n", pack.pack(), pack.cases().size(),
          pack.cases().size() - failed, failed);
      if (pack.cases().isEmpty()) {
        out.println("  warning: no test cases (add " + pack.directory().resolve("tests") + "/*.yaml)");
      }
      for (CaseResult c : pack.cases()) {
        String where = c.file() == null ? "" : " (" + c.file() + ")";
        switch (c.outcome()) {
          case PASSED -> {
            if (verbose) {
              out.println("  ok      " + c.name());
            }
          }
          case FAILED -> {
            out.println("  FAILED  " + c.name() + where);
            JUnitXml.details(c).lines().forEach(line -> out.println("          " + line));
          }
          case ERROR -> out.println("  ERROR   " + c.name() + where + ": " + c.error());
        }
      }
      for (RuleCoverage rc : pack.coverage()) {
        if (rc.violatingCases() == 0) {
          out.println("  warning: rule " + rc.rule() + " has no case where it reports a violation");
        }
        if (rc.compliantCases() == 0) {
          out.println("  warning: rule " + rc.rule() + " has no compliant case (one with its facts and no violation)");
        }
      }
    }
    long total = report.cases().size();
    out.printf("%d passed, %d failed%n", total - report.failures(), report.failures());
  }
}
