package io.aimsmonitor.config;

import io.aimsmonitor.connector.openlineage.OpenLineageSpec;
import io.aimsmonitor.demo.DemoLineage;
import io.aimsmonitor.lineage.LineageIngest;
import io.aimsmonitor.schedule.Schedules;
import io.aimsmonitor.store.LineageEventRepository;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.demo.DemoServers;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.export.WaiverLookup;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.finding.ReconciliationSink;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.CompiledPackCache;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the plain (Spring-free) parts of the flow; each is also usable without Spring in tests and the CLI. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AimsProperties.class, ExportProperties.class})
public class AimsConfiguration {

  /** The system clock, unless a test supplies its own. */
  @Bean
  @ConditionalOnMissingBean(Clock.class)
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  ControlCatalog controlCatalog() {
    return ControlCatalog.bundled();
  }

  /**
   * Declared before the connectors: a command's lazy context (cli.OneShotContext) creates the
   * beans in declaration order, and this keeps the rule packs loading before the connector files,
   * as when every bean was created up front, so that a command reports the same first problem.
   */
  @Bean
  RuleBook ruleBook(AimsProperties props, ControlCatalog catalog, Clock clock) {
    RulePackLoader loader = new RulePackLoader(catalog, props.rules().limits().toEvaluationLimits())
        .withCache(CompiledPackCache.configured(props.rules().cacheDir(), System.getenv()));
    RuleBook book = new RuleBook(Workspace.rules(props.rulesDir(), props.dataDir()), loader, props.rules().parameters(), clock);
    book.reload();
    return book;
  }

  @Bean
  ConnectorTypes connectorTypes() {
    return ConnectorTypes.discover();
  }

  /** The bundled demo's replayed APIs, started on an ephemeral port when an instance names one (see {@link DemoServers}). */
  @Bean(destroyMethod = "close")
  DemoServers demoServers() {
    return new DemoServers();
  }

  @Bean
  ConnectorInstances connectorInstances(AimsProperties props, ConnectorTypes types, DemoServers demoServers) {
    try {
      return ConnectorInstances.load(Workspace.connectors(props.connectorsDir(), props.dataDir()), types,
          DemoServers.names(), demoServers::wire);
    } catch (ConfigException e) {
      throw new IllegalStateException("invalid connector configuration:" + System.lineSeparator() + e.getMessage(), e);
    }
  }

  /** The demo's Airflow lineage, sent to the demo-lineage source before anything collects it. */
  @Bean
  DemoLineage.Sent demoLineage(ConnectorInstances connectors, LineageIngest lineage, Clock clock) {
    return new DemoLineage.Sent(DemoLineage.demoSource(connectors.enabled())
        .map(c -> DemoLineage.sendInProcess(c, lineage, clock.instant())).orElse(0));
  }

  /** Exports with the review workflow's waiver states when it provides a {@link WaiverLookup}, else none. */
  @Bean
  Exporter exporter(ObjectProvider<WaiverLookup> waivers, ExportProperties export, Clock clock) {
    String version = AimsConfiguration.class.getPackage().getImplementationVersion();
    return new Exporter(waivers.getIfAvailable(() -> WaiverLookup.NONE), export.baseUrl(), version, clock);
  }

  @Bean
  SnapshotRepository snapshotRepository(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    return new SnapshotRepository(jdbc, template, tx);
  }

  @Bean
  FindingRepository findingRepository(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    return new FindingRepository(jdbc, template, tx);
  }

  @Bean
  LineageEventRepository lineageEventRepository(JdbcClient jdbc) {
    return new LineageEventRepository(jdbc);
  }

  /** The OpenLineage endpoint's checks and store; accepted events ask the scheduler to collect their source. */
  @Bean(destroyMethod = "close")
  LineageIngest lineageIngest(ConnectorInstances connectors, LineageEventRepository events,
      ObjectProvider<Schedules> schedules, Clock clock) {
    return new LineageIngest(connectors, Secrets.fromSystem(), new OpenLineageSpec(), events, clock, id -> {
      Schedules s = schedules.getIfAvailable();
      if (s != null) {
        try {
          s.runNow(id);
        } catch (org.quartz.SchedulerException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
    });
  }

  @Bean
  EvaluationRepository evaluationRepository(JdbcClient jdbc) {
    return new EvaluationRepository(jdbc);
  }

  /**
   * Which facts are in the AIMS scope. The default keeps everything; a {@code UnaryOperator<List<Fact>>}
   * bean named {@code aimsScope} replaces it. Reconciliations are stored through the review
   * workflow's {@link ReconciliationSink}, which applies waivers in the same transaction.
   */
  @Bean
  MonitorService monitorService(ConnectorInstances connectors, DemoServers demoServers, DemoLineage.Sent demoLineage,
      ConnectorTypes types, SnapshotRepository snapshots, LineageEventRepository lineageEvents,
      RuleBook ruleBook, FindingRepository findings, EvaluationRepository evaluations,
      ObjectProvider<UnaryOperator<List<Fact>>> scope, ObjectProvider<ReconciliationSink> sink,
      io.aimsmonitor.shadow.ShadowMode shadow, Clock clock, AimsProperties props) {
    return new MonitorService(connectors, new CollectionRunner(types, Secrets.fromSystem(), clock, lineageEvents), snapshots, ruleBook,
        new Evaluator(props.rules().toIncremental()), new Reconciler(), findings, evaluations, scope.getIfAvailable(() -> UnaryOperator.identity()),
        clock, sink.getIfAvailable(() -> (result, facts, changed) -> findings.apply(result)), shadow::evaluate);
  }
}
