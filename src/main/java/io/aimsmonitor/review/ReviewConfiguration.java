package io.aimsmonitor.review;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.WaiverLookup;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.ReviewRepository;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the review workflow. {@link ReviewService} is also the {@code ReconciliationSink} the
 * monitor stores evaluations through and the controls report's {@code Exclusions}.
 */
@Configuration(proxyBeanMethods = false)
public class ReviewConfiguration {

  @Bean
  ReviewRepository reviewRepository(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    return new ReviewRepository(jdbc, template, tx);
  }

  @Bean
  WaiverPolicy waiverPolicy(ReviewProperties props, RuleBook ruleBook) {
    return new WaiverPolicy(props, () -> ruleBook.rules().keySet());
  }

  @Bean
  WaiverFile waiverFile(ReviewProperties props, WaiverPolicy policy) {
    return new WaiverFile(props.waiversFile(), policy);
  }

  /** The monitor is looked up lazily: it stores its evaluations through this service. */
  @Bean
  ReviewService reviewService(FindingRepository findings, ReviewRepository repo, WaiverPolicy policy, WaiverFile file,
      ObjectProvider<MonitorService> monitor, Clock clock) {
    return new ReviewService(findings, repo, policy, file, () -> monitor.getObject().latestFacts(), clock);
  }

  /**
   * Exports show the waiver linked to each finding (in force, requested, expired or revoked), looked
   * up once per batch. Looked up lazily, so that the exporter does not need the review service while
   * the context starts.
   */
  @Bean
  WaiverLookup waiverLookup(ObjectProvider<ReviewService> review, Clock clock) {
    return new ExportWaivers(review::getObject, clock);
  }

  @Bean
  AiSystemInventory aiSystemInventory(AiSystemProperties props, ObjectProvider<MonitorService> monitor,
      FindingRepository findings, ControlCatalog catalog, RuleBook ruleBook) {
    return new AiSystemInventory(props, () -> monitor.getObject().latestFacts(), findings, catalog,
        () -> ruleBook.rules().values(), () -> monitor.getObject().staleRules());
  }
}
