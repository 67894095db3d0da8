package io.aimsmonitor.cli;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.demo.DemoServers;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks connector files and rule packs without running anything; non-zero on any problem. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class, description = "Check connector configurations and rule packs; exit 2 on any problem.")
public class ValidateCommand implements Callable<Integer> {

  @Option(names = "--connectors", description = "connector instance folder (default: ${DEFAULT-VALUE})", defaultValue = "connectors")
  Path connectors;

  @Option(names = "--rules", description = "rule pack folder (default: ${DEFAULT-VALUE})", defaultValue = "rules")
  Path rules;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliLogging.configure(false); // the report below says everything; Drools' compiler chatter is noise here
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int problems = 0;
    if (Files.isDirectory(connectors)) {
      try {
        int n = new ConnectorConfigLoader(ConnectorTypes.discover(), DemoServers.names()).load(connectors).size();
        out.println("connectors: " + n + " instance(s) in " + connectors + " are valid");
      } catch (ConfigException e) {
        e.problems().forEach(p -> err.println("error: " + p));
        problems += e.problems().size();
      }
    } else {
      err.println("error: " + connectors + ": connector folder does not exist");
      problems++;
    }
    if (Files.isDirectory(rules)) {
      RuleBook book = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), Clock.systemUTC());
      RuleBook.ReloadReport report = book.reload();
      for (RuleBook.Rejection r : report.rejected()) {
        err.println("error: rule pack '" + r.pack() + "' is invalid:");
        r.problems().forEach(p -> err.println("  " + p));
        problems += r.problems().size();
      }
      book.packs().forEach(p -> out.println("rule pack " + p.name() + ": " + p.rules().size() + " rules, version "
          + p.shortHash() + " is valid"));
      if (book.packs().isEmpty() && report.rejected().isEmpty()) {
        err.println("error: " + rules + ": no rule packs (folders with a pack.yaml)");
        problems++;
      }
    } else {
      err.println("error: " + rules + ": rule folder does not exist");
      problems++;
    }
    out.flush();
    err.flush();
    if (problems > 0) {
      err.println(problems + " problem(s) found");
      return ExitCodes.INVALID;
    }
    return ExitCodes.OK;
  }
}
