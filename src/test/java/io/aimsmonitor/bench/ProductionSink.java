package io.aimsmonitor.bench;

import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.review.WaiverFile;
import io.aimsmonitor.review.WaiverPolicy;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.ReviewRepository;
import java.time.Clock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reconciliation sink {@code serve} stores evaluations through: the review workflow, wired as
 * {@code ReviewConfiguration} wires it, with default settings and no waivers (a new install). A
 * bench that stored through {@code findings.apply} alone left out the waiver and default-assignee
 * sync that runs in the same transaction at every evaluation.
 */
final class ProductionSink {

  private ProductionSink() {}

  /** @param monitor the monitor, looked up lazily as Spring does: it is built with this sink */
  static ReviewService of(DataSource data, FindingRepository findings, RuleBook ruleBook,
      Supplier<MonitorService> monitor, Clock clock) {
    ReviewProperties props = ReviewProperties.defaults();
    WaiverPolicy policy = new WaiverPolicy(props, () -> ruleBook.rules().keySet());
    return new ReviewService(findings, new ReviewRepository(JdbcClient.create(data), new JdbcTemplate(data),
        new TransactionTemplate(new DataSourceTransactionManager(data))), policy,
        new WaiverFile(props.waiversFile(), policy), () -> monitor.get().latestFacts(), clock);
  }
}
