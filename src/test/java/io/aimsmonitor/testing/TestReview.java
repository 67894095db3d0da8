package io.aimsmonitor.testing;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.AiSystemProperties;
import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.review.WaiverFile;
import io.aimsmonitor.review.WaiverPolicy;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.ReviewRepository;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A review workflow and an (empty) AI system inventory over a test database, for controllers that list findings. */
public final class TestReview {

  private TestReview() {}

  public static ReviewService review(DataSource data, FindingRepository findings) {
    ReviewProperties props = ReviewProperties.defaults();
    WaiverPolicy policy = new WaiverPolicy(props, Set::of);
    return new ReviewService(findings, new ReviewRepository(JdbcClient.create(data), new JdbcTemplate(data),
        new TransactionTemplate(new DataSourceTransactionManager(data))), policy,
        new WaiverFile(props.waiversFile(), policy), List::of, Clock.systemUTC());
  }

  public static AiSystemInventory aiSystems(FindingRepository findings) {
    return new AiSystemInventory(AiSystemProperties.defaults(), List::of, findings, ControlCatalog.bundled(), List::of,
        Set::of);
  }
}
