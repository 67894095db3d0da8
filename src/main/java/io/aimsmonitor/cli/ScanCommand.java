package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One collect-and-evaluate cycle without a server, on a throw-away in-memory database, printing
 * the open findings. Made to gate a CI pipeline: see {@link ExitCodes}.
 */
@Command(name = "scan", description = "Collect every enabled connector once, evaluate, print open findings.")
public class ScanCommand implements Callable<Integer> {

  @Option(names = "--connectors", description = "connector instance folder (default: ./connectors, else the bundled demo)")
  Path connectors;

  @Option(names = "--rules", description = "rule pack folder (default: ./rules, else the bundled packs)")
  Path rules;

  @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE})")
  FindingFormat.Format format;

  @Option(names = "--fail-on", description = "exit 1 if a finding has this severity or higher: info, low, medium, high, critical")
  String failOn;

  @Option(names = "--verbose", description = "log progress to standard error")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Severity threshold = null;
    if (failOn != null) {
      try {
        threshold = Severity.parse(failOn);
      } catch (IllegalArgumentException e) {
        err.println("error: --fail-on: " + e.getMessage());
        return ExitCodes.INVALID;
      }
    }
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.main.banner-mode", "off");
    props.put("aims.scheduler.enabled", "false");
    props.put("spring.quartz.auto-startup", "false");
    props.put("spring.datasource.url", "jdbc:h2:mem:aims-scan-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    props.put("aims.log.console-target", "System.err");
    props.put("logging.level.root", verbose ? "INFO" : "WARN");
    props.put("logging.level.io.aimsmonitor", verbose ? "INFO" : "WARN");
    // scan prints the root cause itself, in one line
    props.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
    if (connectors != null) {
      props.put("aims.connectors-dir", connectors.toString());
    }
    if (rules != null) {
      props.put("aims.rules-dir", rules.toString());
    }
    SpringApplication app = new SpringApplication(AimsMonitorApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setLogStartupInfo(false);
    // As command-line arguments, these outrank application.yaml and the environment.
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    try (ConfigurableApplicationContext context = app.run(args)) {
      MonitorService monitor = context.getBean(MonitorService.class);
      RuleBook book = context.getBean(RuleBook.class);
      if (!book.rejected().isEmpty()) {
        book.rejected().values().forEach(r -> {
          err.println("error: rule pack '" + r.pack() + "' is invalid:");
          r.problems().forEach(p -> err.println("  " + p));
        });
        return ExitCodes.INVALID;
      }
      List<String> failures = new ArrayList<>();
      for (ConnectorConfig config : monitor.connectors().enabled()) {
        CollectionResult result = monitor.collect(config.id(), () -> false);
        if (!result.succeeded()) {
          failures.add(result.error());
        }
      }
      monitor.evaluate();
      List<Finding> open = context.getBean(FindingRepository.class)
          .list(new FindingRepository.Query(Finding.Status.OPEN, null, null, null, null, null, 1_000_000, 0)).items();
      FindingFormat.write(open, format, out);
      out.flush();
      failures.forEach(f -> err.println("error: " + f));
      if (threshold != null) {
        Severity min = threshold;
        long failing = open.stream().filter(f -> f.severity().atLeast(min)).count();
        if (failing > 0) {
          err.println(failing + " open finding(s) at or above " + min.label());
          return ExitCodes.FINDINGS;
        }
      }
      return failures.isEmpty() ? ExitCodes.OK : ExitCodes.SOURCE_FAILED;
    } catch (RuntimeException e) {
      // Spring wraps start-up failures several times; the message worth printing is our own
      // IllegalStateException (bad configuration) if there is one, else the root cause.
      Throwable cause = e;
      for (Throwable t = e; t != null; t = t.getCause()) {
        cause = t;
        if (t instanceof IllegalStateException && t.getMessage() != null
            && (t.getMessage().startsWith("invalid connector configuration") || t.getMessage().startsWith("aims."))) {
          break;
        }
      }
      err.println("error: " + cause.getMessage());
      return ExitCodes.INVALID;
    }
  }
}
