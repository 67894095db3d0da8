package io.aimsmonitor.testing;

import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.review.WaiverFile;
import io.aimsmonitor.review.WaiverPolicy;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.ReviewRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A complete monitor over files in a temporary folder: a {@code file} connector instance reading
 * {@code inventory/}, a rules folder, and a store. Tests write files, then collect and evaluate
 * through the same {@link MonitorService} the scheduler uses.
 */
public final class Workbench {

  public final Path root;
  public final Path inventory;
  public final Path rules;
  public final MutableClock clock;
  public final RuleBook ruleBook;
  public final MonitorService monitor;
  public final TestStore store;
  /** The review workflow the monitor stores evaluations through; null for a bench without it. */
  public final ReviewService review;

  public Workbench(Path root, TestStore store, MutableClock clock) {
    this(root, store, clock, root.resolve("rules"), "inventory");
  }

  /**
   * A monitor with one {@code file} connector instance per id in {@code sources}, each reading the
   * folder of the same name under {@code root} (see {@link #writeInventory(String, String, String)}),
   * and the rule packs in {@code rules} (a temporary folder, or the shipped {@code rules/}).
   */
  public Workbench(Path root, TestStore store, MutableClock clock, Path rules, String... sources) {
    this(root, store, clock, rules, "", java.util.List.of(sources));
  }

  /** As above, with {@code connectorYaml} (e.g. a {@code guard:} block) added to every connector file. */
  public Workbench(Path root, TestStore store, MutableClock clock, Path rules, String connectorYaml,
      java.util.List<String> sources) {
    this(root, store, clock, rules, connectorYaml, sources, null, null);
  }

  /**
   * A bench whose evaluations go through the review workflow, as in the application.
   *
   * @param data the database of {@code store}
   */
  public static Workbench withReview(Path root, TestStore store, DataSource data, MutableClock clock,
      ReviewProperties props) {
    return withReview(root, store, new ReviewRepository(JdbcClient.create(data), new JdbcTemplate(data),
        new TransactionTemplate(new DataSourceTransactionManager(data))), clock, props);
  }

  /** As above, over a given review repository (e.g. one that counts what the workflow reads). */
  public static Workbench withReview(Path root, TestStore store, ReviewRepository reviewRepo, MutableClock clock,
      ReviewProperties props) {
    return new Workbench(root, store, clock, root.resolve("rules"), "", java.util.List.of("inventory"), reviewRepo, props);
  }

  private Workbench(Path root, TestStore store, MutableClock clock, Path rules, String connectorYaml,
      java.util.List<String> sources, ReviewRepository reviewRepo, ReviewProperties props) {
    this.root = root;
    this.inventory = root.resolve(sources.get(0));
    this.rules = rules;
    this.clock = clock;
    this.store = store;
    try {
      Files.createDirectories(rules);
      Path connectors = Files.createDirectories(root.resolve("connectors"));
      for (String source : sources) {
        Files.createDirectories(root.resolve(source));
        Files.writeString(connectors.resolve(source + ".yaml"), """
            id: %s
            type: file
            schedule: "0 0 * * * ?"
            options:
              paths: [../%s]
            """.formatted(source, source) + connectorYaml);
      }
      ConnectorTypes types = ConnectorTypes.discover();
      ConnectorInstances instances = ConnectorInstances.load(connectors, types);
      this.ruleBook = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
      if (reviewRepo == null) {
        this.review = null;
        this.monitor = new MonitorService(instances, new CollectionRunner(types, new Secrets(Map.of()), clock),
            store.snapshots(), ruleBook, new Evaluator(), new Reconciler(), store.findings(), store.evaluations(),
            UnaryOperator.identity(), clock);
      } else {
        RuleBook book = this.ruleBook;
        WaiverPolicy policy = new WaiverPolicy(props, () -> book.rules().keySet());
        var self = new java.util.concurrent.atomic.AtomicReference<MonitorService>();
        this.review = new ReviewService(store.findings(), reviewRepo, policy, new WaiverFile(props.waiversFile(), policy),
            () -> self.get().latestFacts(), clock);
        this.monitor = new MonitorService(instances, new CollectionRunner(types, new Secrets(Map.of()), clock),
            store.snapshots(), ruleBook, new Evaluator(), new Reconciler(), store.findings(), store.evaluations(),
            UnaryOperator.identity(), clock, review, (facts, at) -> { });
        self.set(monitor);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code rules/<pack>/pack.yaml} and one DRL file. */
  public void writePack(String pack, String drl) {
    try {
      Path dir = Files.createDirectories(rules.resolve(pack));
      Files.writeString(dir.resolve("pack.yaml"), "name: " + pack + "\ndescription: test pack\n");
      Files.writeString(dir.resolve("rules.drl"), drl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void writeInventory(String file, String content) {
    writeInventory(inventory.getFileName().toString(), file, content);
  }

  /** Writes {@code file} into the folder that source {@code source} reads. */
  public void writeInventory(String source, String file, String content) {
    try {
      Files.writeString(root.resolve(source).resolve(file), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A minimal pack with one rule: production model versions need an owner. */
  public static final String OWNER_RULE = """
      package test.owner;
      import io.aimsmonitor.fact.ModelVersion;
      global io.aimsmonitor.rules.Violations violations;
      rule "test.production-has-owner"
        @control("A.3.2") @severity("high") @title("Production model has an owner") @remediation("Set an owner.")
      when
        $m : ModelVersion( production, owners.isEmpty() )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " v" + $m.version() + " has no owner.", "owners", $m.owners());
      end
      """;

  /**
   * Points a served test's folders into {@code root}: connector files in {@code root/connectors},
   * rule packs in {@code root/rules}, the database in {@code root/data}.
   */
  public static void serveFrom(org.springframework.test.context.DynamicPropertyRegistry registry, Path root) {
    registry.add("aims.connectors-dir", () -> root.resolve("connectors").toString());
    registry.add("aims.rules-dir", () -> root.resolve("rules").toString());
    registry.add("aims.data-dir", () -> root.resolve("data").toString());
  }

  public static String model(String name, String version, String owners) {
    return """
        - kind: ModelVersion
          registry: mlflow
          modelName: %s
          version: "%s"
          stage: Production
          owners: %s
        """.formatted(name, version, owners);
  }
}
