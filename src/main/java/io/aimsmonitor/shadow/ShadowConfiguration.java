package io.aimsmonitor.shadow;

import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.ShadowRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShadowProperties.class)
public class ShadowConfiguration {

  @Bean
  ShadowRepository shadowRepository(JdbcClient jdbc) {
    return new ShadowRepository(jdbc);
  }

  /** The same scope as the live evaluation (the {@code aimsScope} bean, else every fact). */
  @Bean
  ShadowMode shadowMode(RuleBook ruleBook, ShadowRepository store, EvaluationRepository evaluations,
      SnapshotRepository snapshots, ConnectorInstances connectors, ObjectProvider<UnaryOperator<List<Fact>>> scope,
      ShadowProperties properties, Clock clock) {
    return new ShadowMode(ruleBook, store, evaluations, snapshots, connectors,
        scope.getIfAvailable(() -> UnaryOperator.identity()), properties, clock);
  }

  @Bean
  ShadowMetrics shadowMetrics(PrometheusRegistry registry, RuleBook ruleBook, ShadowRepository store) {
    ShadowMetrics metrics = new ShadowMetrics(ruleBook, store);
    registry.register(metrics);
    return metrics;
  }
}
