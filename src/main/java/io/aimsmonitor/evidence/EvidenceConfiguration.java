package io.aimsmonitor.evidence;

import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.history.TimeTravel;
import io.aimsmonitor.integrity.HashChains;
import io.aimsmonitor.oscal.OscalExporter;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.FindingRepository;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EvidenceProperties.class)
public class EvidenceConfiguration {

  /** A configured signing key is read at start, so a bad key stops the service with a clear message, not a pack later. */
  @Bean
  EvidencePack evidencePack(TimeTravel timeTravel, OscalExporter oscal, HashChains chains, ControlCatalog catalog,
      RuleBook ruleBook, ConnectorInstances connectors, FindingRepository findings, ReviewService review,
      EvaluationRepository evaluations, JdbcClient jdbc, EvidenceProperties props, Clock clock) {
    ManifestSigner signer = props.signingKeyFile() == null ? null : ManifestSigner.fromFile(props.signingKeyFile());
    return new EvidencePack(timeTravel, oscal, chains, catalog, ruleBook::packs, evaluations.records()::packsUsed, connectors::configs, findings::get,
        review::justification, jdbc, () -> signer, EvidenceConfiguration.class.getPackage().getImplementationVersion(),
        clock);
  }
}
