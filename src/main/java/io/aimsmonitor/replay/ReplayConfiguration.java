package io.aimsmonitor.replay;

import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.SnapshotRepository;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Replay of recorded evaluations, with the service's catalogue, default pack budget and AIMS scope. */
@Configuration(proxyBeanMethods = false)
public class ReplayConfiguration {

  @Bean
  Replayer replayer(EvaluationRepository evaluations, SnapshotRepository snapshots, ControlCatalog catalog,
      AimsProperties props, ObjectProvider<UnaryOperator<List<Fact>>> scope) {
    return new Replayer(evaluations.records(), snapshots,
        new RulePackLoader(catalog, props.rules().limits().toEvaluationLimits()),
        scope.getIfAvailable(() -> UnaryOperator.identity()), evaluations::quarantined);
  }
}
