package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.SnapshotRepository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.index.CandidateComponentsIndexLoader;
import org.springframework.util.ClassUtils;

/**
 * The application without a server or schedule, on a throw-away in-memory database: what
 * {@code scan} and {@code controls --scan} run one collect-and-evaluate cycle in.
 */
final class ScanRun implements AutoCloseable {

  /** The in-memory database's user (H2's default for an embedded database). */
  private static final String SCHEMA_USER = "sa";

  private final ConfigurableApplicationContext context;
  private final Inputs inputs;

  private ScanRun(ConfigurableApplicationContext context, Inputs inputs) {
    this.context = context;
    this.inputs = inputs;
  }

  /**
   * Starts the application context with the command's {@code --connectors}, {@code --rules} and
   * {@code --verbose}; a folder not given is the default (./connectors, else the bundled demo;
   * ./rules, else the bundled packs).
   */
  static ScanRun start(ScanOptions options) {
    return start(options, List.of());
  }

  /** As {@link #start(ScanOptions)}, with initializers applied to the context before it is refreshed. */
  static ScanRun start(ScanOptions options, List<ApplicationContextInitializer<ConfigurableApplicationContext>> initializers) {
    Path connectors = options.connectors;
    Path rules = options.rules;
    boolean verbose = options.verbose;
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.main.banner-mode", "off");
    props.putAll(OneShotContext.properties());
    props.put("aims.scheduler.enabled", "false");
    String database = "jdbc:h2:mem:aims-scan-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    props.put("spring.datasource.url", database);
    // ScanSchema creates the schema on its own connection before the data source exists: the same credentials
    props.put("spring.datasource.username", SCHEMA_USER);
    props.put("spring.datasource.password", "");
    // the empty database gets the migrations' schema from ScanSchema, without Flyway's machinery
    props.put("spring.flyway.enabled", "false");
    // nothing in the current directory: bundled files go to a private folder deleted on close
    Inputs inputs = new Inputs();
    props.put("aims.data-dir", inputs.scratch().toString());
    props.put("aims.log.console-target", "System.err");
    props.put("logging.level.root", verbose ? "INFO" : "WARN");
    props.put("logging.level.io.aimsmonitor", verbose ? "INFO" : "WARN");
    if (!verbose) {
      // the command prints a rejected pack's problems once, itself; Drools' own multi-line report is noise
      props.put("logging.level.io.aimsmonitor.rules.RuleBook", "OFF");
      props.put("logging.level.org.drools", "OFF");
      props.put("logging.level.org.kie", "OFF");
    }
    // the commands print the root cause themselves, in one line
    props.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
    if (connectors != null) {
      props.put("aims.connectors-dir", connectors.toString());
    }
    if (rules != null) {
      props.put("aims.rules-dir", rules.toString());
    }
    if (options.waivers != null) {
      props.put("aims.review.waivers-file", options.waivers.toString());
    }
    SpringApplication app = new SpringApplication(AimsMonitorApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setLogStartupInfo(false);
    app.addInitializers(OneShotContext.initializer());
    // after logging is configured (ScanSchema logs) and before the bean definitions, which the schema overlaps
    app.addInitializers(context ->
        context.getBeanFactory().addBeanPostProcessor(new ScanSchema(database, SCHEMA_USER, "")));
    app.addInitializers(initializers.toArray(ApplicationContextInitializer[]::new));
    // As command-line arguments, these outrank application.yaml and the environment.
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    // the scans read the index of the class loader Spring's resource loader uses, the default one; it is
    // removed again once the context is up, so that no later context in this JVM (a test's) scans by it
    ClassLoader loader = ClassUtils.getDefaultClassLoader();
    OneShotContext.componentIndex().ifPresent(index -> CandidateComponentsIndexLoader.addIndex(loader, index));
    try {
      return new ScanRun(app.run(args), inputs);
    } catch (RuntimeException e) {
      inputs.close();
      throw e;
    } finally {
      CandidateComponentsIndexLoader.clearCache();
    }
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

  /**
   * How one source fared in a scan.
   *
   * @param status {@code collected} (this run succeeded), {@code failed} (this run failed and no
   *     earlier evidence exists: its facts are missing) or {@code stale} (this run failed and an
   *     earlier good snapshot, from a persistent database, was evaluated instead)
   * @param error why the run failed, naming the connector and what was at fault; null when collected
   * @param facts how many facts the evaluated snapshot holds
   */
  record Source(String id, String type, String status, String error, int facts) {
    static final String COLLECTED = "collected";
    static final String FAILED = "failed";
    static final String STALE = "stale";
  }

  /** What a collect-and-evaluate cycle did: every enabled source's status and the evaluation. */
  record Result(List<Source> sources, MonitorService.EvaluationOutcome evaluation) {
    /** The errors of the sources that did not collect. */
    List<String> failures() {
      return sources.stream().filter(s -> s.error() != null).map(Source::error).toList();
    }

    boolean complete() {
      return failures().isEmpty();
    }
  }

  /** Collects every enabled connector once and evaluates. */
  Result collectAndEvaluate() {
    MonitorService monitor = bean(MonitorService.class);
    List<Source> sources = new ArrayList<>();
    for (ConnectorConfig config : monitor.connectors().enabled()) {
      CollectionResult result = monitor.collect(config.id(), () -> false);
      if (result.succeeded()) {
        sources.add(new Source(config.id(), config.type(), Source.COLLECTED, null, result.facts().size()));
      } else {
        int earlier = bean(SnapshotRepository.class).latestGood(config.id()).map(s -> s.facts().size()).orElse(-1);
        sources.add(new Source(config.id(), config.type(), earlier < 0 ? Source.FAILED : Source.STALE, result.error(),
            Math.max(0, earlier)));
      }
    }
    return new Result(List.copyOf(sources), monitor.evaluate());
  }

  /** Open findings no waiver in force covers, most severe first: what {@code scan} reports and gates on. */
  List<Finding> openFindings() {
    return bean(FindingRepository.class).list(new FindingRepository.Query(Finding.Status.OPEN, null, null, null, null,
        null, 1_000_000, 0, false, null, null)).items();
  }

  /** How many open findings a waiver in force covers (not reported as open). */
  long waivedFindings() {
    return bean(FindingRepository.class).list(new FindingRepository.Query(Finding.Status.OPEN, null, null, null, null,
        null, 1, 0, true, null, null)).total();
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
    try {
      context.close();
    } finally {
      inputs.close();
    }
  }
}
