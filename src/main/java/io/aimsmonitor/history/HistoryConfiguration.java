package io.aimsmonitor.history;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Time travel over the finding history, with the rule packs loaded now and every waiver (API and file). */
@Configuration(proxyBeanMethods = false)
public class HistoryConfiguration {

  @Bean
  FindingHistory findingHistory(JdbcClient jdbc) {
    return new FindingHistory(jdbc);
  }

  @Bean
  TimeTravel timeTravel(FindingHistory history, ControlCatalog catalog, RuleBook ruleBook, ReviewService review,
      Clock clock) {
    return new TimeTravel(history, catalog, () -> ruleBook.rules().values(), review::waivers, clock);
  }
}
