package io.aimsmonitor.cli;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.Preflight;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.demo.DemoLineage;
import io.aimsmonitor.demo.DemoServers;
import io.aimsmonitor.rules.CompiledPackCache;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.testing.RuleTestFile;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks connector files and rule packs without contacting any system, and finds what {@code scan}
 * would fail on: invalid keys, a cron that never fires, a forbidden base URL, a credential
 * environment variable that is not set or a secret file that is missing, a file connector path that
 * does not exist, and every problem of every rule pack at once. Exit 0 when valid, 2 otherwise.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Check connector configurations and rule packs, without contacting any system; exit 2 on any problem.",
    footer = {"", "Exit codes: 0 valid; 2 a problem (each line names the file, key or rule):",
        "  invalid connector file or key, a schedule that never fires, a base URL with the API path,",
        "  an unknown demo:// name, a credential variable not set or secret file missing (enabled instances),",
        "  a file connector path that does not exist, a rule pack that does not compile or cites an unknown",
        "  control, a folder given that does not exist, or no rule packs."})
public class ValidateCommand implements Callable<Integer> {

  @Option(names = "--connectors",
      description = "connector instance folder (default: ./connectors, else the bundled demo)")
  Path connectors;

  @Option(names = "--rules", description = "rule pack folder (default: ./rules, else the bundled packs)")
  Path rules;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliLogging.configure(false); // the report below says everything; Drools' compiler chatter is noise here
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int problems = 0;
    try (Inputs inputs = new Inputs()) {
      problems += connectors(inputs, out, err);
      problems += rules(inputs, out, err);
    }
    out.flush();
    err.flush();
    if (problems > 0) {
      err.println(problems + " problem(s) found");
      return ExitCodes.INVALID;
    }
    return ExitCodes.OK;
  }

  private int connectors(Inputs inputs, PrintWriter out, PrintWriter err) {
    Path dir;
    try {
      dir = inputs.connectors(connectors);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    String where = inputs.isBundled(dir) ? "the bundled demo" : dir.toString();
    ConnectorTypes types = ConnectorTypes.discover();
    List<ConnectorConfig> configs;
    try {
      configs = new ConnectorConfigLoader(types, DemoServers.names()).load(dir);
    } catch (ConfigException e) {
      e.problems().forEach(p -> err.println("error: " + p));
      return e.problems().size();
    }
    Preflight preflight = new Preflight(types, System.getenv());
    List<String> found = configs.stream().flatMap(c -> preflight.check(c).stream()
        // the demo's lineage source writes its own random key at its first start (DemoLineage)
        .filter(p -> !(DemoLineage.SOURCE_ID.equals(c.id()) && p.contains("auth.tokenFile")))).toList();
    found.forEach(p -> err.println("error: " + p));
    if (found.isEmpty()) {
      out.println("connectors: " + configs.size() + " instance(s) in " + where + " are valid");
    }
    return found.size();
  }

  private int rules(Inputs inputs, PrintWriter out, PrintWriter err) {
    Path dir;
    try {
      dir = inputs.rules(rules);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    int problems = 0;
    RuleBook book = new RuleBook(dir, new RulePackLoader(ControlCatalog.bundled()).withCache(CompiledPackCache.fromEnvironment()), Map.of(), Clock.systemUTC());
    RuleBook.ReloadReport report = book.reload();
    for (RuleBook.Rejection r : report.rejected()) {
      err.println("error: rule pack '" + r.pack() + "' is invalid:");
      r.problems().forEach(p -> err.println("  " + p));
      problems += r.problems().size();
    }
    String where = inputs.isBundled(dir) ? " (bundled)" : "";
    for (RulePack pack : book.allPacks()) {
      List<String> evaluationProblems = evaluateCases(pack);
      if (evaluationProblems.isEmpty()) {
        out.println("rule pack " + pack.name() + where + (pack.shadow() ? " (shadow)" : "") + ": " + pack.rules().size()
            + " rules, version " + pack.shortHash() + " is valid");
      } else {
        err.println("error: rule pack '" + pack.name() + "' cannot be evaluated:");
        evaluationProblems.forEach(p -> err.println("  " + p));
        problems += evaluationProblems.size();
      }
    }
    if (book.allPacks().isEmpty() && report.rejected().isEmpty()) {
      err.println("error: " + dir + ": no rule packs (folders with a pack.yaml)");
      problems++;
    }
    return problems;
  }

  /**
   * Runs the pack over the facts of its own test cases, under its evaluation limits, and returns
   * the cases where it could not be evaluated (a rule threw or a guard tripped): a looping pack
   * fails here in seconds rather than in production. Whether the violations match the cases'
   * expectations is for {@code test-rules}.
   */
  private static List<String> evaluateCases(RulePack pack) {
    Evaluator evaluator = new Evaluator();
    List<String> out = new ArrayList<>();
    for (Path file : RuleTestRunner.testFiles(pack.directory())) {
      for (RuleTestFile.Entry entry : RuleTestFile.read(file, Instant.now())) {
        if (entry.testCase() == null) {
          continue;
        }
        RulePack configured;
        try {
          configured = pack.withParameters(entry.testCase().parameters());
        } catch (IllegalArgumentException e) {
          continue;
        }
        Evaluator.PackResult result = evaluator.evaluate(configured, entry.testCase().facts(), entry.testCase().now());
        if (!result.succeeded()) {
          out.add(file + ": case '" + entry.name() + "': " + result.error());
          if (evaluator.isQuarantined(pack)) {
            return out; // one runaway is enough: do not start it again for every case
          }
        }
      }
    }
    return out;
  }
}
