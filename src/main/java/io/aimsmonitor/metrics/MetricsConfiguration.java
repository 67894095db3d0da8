package io.aimsmonitor.metrics;

import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
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
      ConnectorInstances connectors, MonitorService monitor, Clock clock, ReviewService review) {
    AimsMetrics metrics = new AimsMetrics(catalog, ruleBook, findings, snapshots, evaluations, connectors, monitor, clock,
        review::waivers, review.properties().expiringSoon());
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

  /**
   * Gives Spring's {@code http.server.requests} timer the help text it lacks, which promtool would
   * otherwise report once the first request is served. Kept rather than denied: REST API latency
   * is worth having.
   */
  @Bean
  MeterFilter describeHttpServerRequests() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if ("http.server.requests".equals(id.getName()) && id.getDescription() == null) {
          return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
              "Duration of HTTP requests handled by aims-monitor (REST API, Actuator)", id.getType());
        }
        return id;
      }
    };
  }
}
