package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.EvaluationRepository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application without a server or schedule, on a throw-away in-memory database: what
 * {@code scan} and {@code controls --scan} run one collect-and-evaluate cycle in.
 */
final class ScanRun implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private ScanRun(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Starts the application context with the command's {@code --connectors}, {@code --rules} and
   * {@code --verbose}; a folder not given is the default (./connectors, else the bundled demo;
   * ./rules, else the bundled packs).
   */
  static ScanRun start(ScanOptions options) {
    Path connectors = options.connectors;
    Path rules = options.rules;
    boolean verbose = options.verbose;
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.main.banner-mode", "off");
    props.put("aims.scheduler.enabled", "false");
    props.put("spring.quartz.auto-startup", "false");
    props.put("spring.datasource.url", "jdbc:h2:mem:aims-scan-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    props.put("aims.log.console-target", "System.err");
    props.put("logging.level.root", verbose ? "INFO" : "WARN");
    props.put("logging.level.io.aimsmonitor", verbose ? "INFO" : "WARN");
    // the commands print the root cause themselves, in one line
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
    return new ScanRun(app.run(args));
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** Problems of rule packs that were rejected, one line each; empty when all loaded. */
  List<String> rejectedPacks() {
    List<String> out = new ArrayList<>();
    bean(RuleBook.class).rejected().values().forEach(r -> {
      out.add("rule pack '" + r.pack() + "' is invalid:");
      r.problems().forEach(p -> out.add("  " + p));
    });
    return out;
  }

  /** Collects every enabled connector once and evaluates; returns the errors of sources that failed. */
  List<String> collectAndEvaluate() {
    MonitorService monitor = bean(MonitorService.class);
    List<String> failures = new ArrayList<>();
    for (ConnectorConfig config : monitor.connectors().enabled()) {
      CollectionResult result = monitor.collect(config.id(), () -> false);
      if (!result.succeeded()) {
        failures.add(result.error());
      }
    }
    monitor.evaluate();
    return failures;
  }

  /**
   * Packs that failed the evaluation just run (a rule threw, or the pack tripped an evaluation
   * guard), one message each; empty when every pack evaluated.
   */
  List<String> failedPacks() {
    EvaluationRepository evaluations = bean(EvaluationRepository.class);
    List<String> failed = evaluations.latest().map(EvaluationRepository.EvaluationRun::failedPacks).orElse(List.of());
    if (failed.isEmpty()) {
      return List.of();
    }
    Map<String, EvaluationRepository.PackFailure> failures = evaluations.latestFailures();
    return failed.stream().map(p -> failures.containsKey(p) ? failures.get(p).message() : "rule pack '" + p + "' failed")
        .toList();
  }

  /**
   * The message to print for a start-up failure. Spring wraps start-up failures several times; the
   * message worth printing is our own IllegalStateException (bad configuration) if there is one,
   * else the root cause.
   */
  static String describe(RuntimeException e) {
    Throwable cause = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      cause = t;
      if (t instanceof IllegalStateException && t.getMessage() != null
          && (t.getMessage().startsWith("invalid connector configuration") || t.getMessage().startsWith("aims."))) {
        break;
      }
    }
    return cause.getMessage();
  }

  @Override
  public void close() {
    context.close();
  }
}
