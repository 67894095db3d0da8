package io.aimsmonitor.oscal;

import io.aimsmonitor.config.ExportProperties;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.history.FindingHistory;
import io.aimsmonitor.history.TimeTravel;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.FindingRepository;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OscalConfiguration {

  @Bean
  OscalExporter oscalExporter(ControlCatalog catalog, RuleBook ruleBook, TimeTravel timeTravel, FindingHistory history,
      FindingRepository findings, ReviewService review, ExportProperties export, Clock clock) {
    return new OscalExporter(catalog, () -> ruleBook.rules().values(), timeTravel, history, findings::get,
        review::workflow, review::waivers, export.baseUrl(), OscalConfiguration.class.getPackage().getImplementationVersion(),
        clock);
  }
}
