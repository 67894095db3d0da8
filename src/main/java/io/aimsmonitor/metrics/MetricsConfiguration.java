package io.aimsmonitor.metrics;

import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.micrometer.core.instrument.config.MeterFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers {@link AimsMetrics} with the Prometheus registry that backs {@code /actuator/prometheus}. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

  @Bean
  AimsMetrics aimsMetrics(PrometheusRegistry registry, ControlCatalog catalog, RuleBook ruleBook,
      FindingRepository findings, SnapshotRepository snapshots, EvaluationRepository evaluations,
      ConnectorInstances connectors, MonitorService monitor, Clock clock) {
    AimsMetrics metrics = new AimsMetrics(catalog, ruleBook, findings, snapshots, evaluations, connectors, monitor, clock);
    registry.register(metrics);
    return metrics;
  }

  /**
   * Drops the few built-in Micrometer meters that {@code promtool check metrics} flags (no help
   * text, abbreviated units, a {@code _count} gauge), so that the whole scrape lints clean and
   * problems in our own series are not lost in noise. None is needed by the dashboards or alerts.
   */
  @Bean
  MeterFilter promtoolCleanMeters() {
    return MeterFilter.deny(id -> {
      String name = id.getName();
      return name.startsWith("tomcat.sessions.") || name.startsWith("tasks.scheduled.execution")
          || name.equals("http.server.requests.active") || name.equals("jvm.compilation.time")
          || name.equals("process.cpu.time") || name.equals("system.cpu.count");
    });
  }
}
