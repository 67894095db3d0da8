package io.aimsmonitor.testing;

import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.SnapshotRepository;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The three repositories over one data source, wired as the application wires them. */
public record TestStore(SnapshotRepository snapshots, FindingRepository findings, EvaluationRepository evaluations) {

  public static TestStore on(DataSource ds) {
    JdbcClient jdbc = JdbcClient.create(ds);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    return new TestStore(new SnapshotRepository(jdbc, new JdbcTemplate(ds), tx),
        new FindingRepository(jdbc, new JdbcTemplate(ds), tx),
        new EvaluationRepository(jdbc));
  }
}
