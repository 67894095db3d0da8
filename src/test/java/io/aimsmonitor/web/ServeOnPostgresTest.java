package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on PostgreSQL, as in production: Flyway creates the schema and Quartz's tables,
 * Quartz runs its clustered JDBC job store, and the demo's findings are stored there.
 */
@RequiresPostgres
// Inlined properties, not @DynamicPropertySource: the database decides Quartz's job store in an
// EnvironmentPostProcessor, which sees only what is in the environment from the start, as in production.
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"aims.scheduler.evaluation-debounce=100ms",
        "spring.datasource.url=${AIMS_TEST_POSTGRES_URL}",
        "spring.datasource.hikari.schema=${aims.test.serve-schema}",
        "spring.flyway.schemas=${aims.test.serve-schema}",
        "spring.flyway.create-schemas=true"})
@DirtiesContext
class ServeOnPostgresTest {

  /**
   * One schema per test JVM: several worktrees run this test against the same database at once,
   * and a schema another branch migrated in between would fail Flyway's validation here.
   */
  static final String SCHEMA = "aims_serve_test_" + ProcessHandle.current().pid();

  static {
    System.setProperty("aims.test.serve-schema", SCHEMA);
  }

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("aims.data-dir", () -> data.toString());
  }

  /** The running scheduler, kept so the schema is dropped only after Quartz has stopped using it. */
  private static volatile Scheduler running;

  @BeforeAll
  static void dropStaleSchema() throws Exception {
    dropSchema();
  }

  /**
   * Quartz polls its tables (cluster check-in, misfires) while the context lives. A DROP SCHEMA
   * racing such a poll takes the tables' locks in another order and PostgreSQL kills one side as a
   * deadlock, so the scheduler is shut down first and this class's context is not reused.
   */
  @AfterAll
  static void stopQuartzThenDropSchema() throws Exception {
    if (running != null) {
      running.shutdown(true);
    }
    dropSchema();
  }

  private static void dropSchema() throws Exception {
    try (var c = DriverManager.getConnection(System.getenv(TestDatabases.POSTGRES_URL_ENV)); var s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  @Autowired
  Scheduler scheduler;

  @Autowired
  FindingRepository findings;

  @Autowired
  JdbcClient jdbc;

  @Test
  void runsTheDemoOnPostgresWithTheClusteredJobStore() throws Exception {
    running = scheduler;
    assertThat(scheduler.getMetaData().isJobStoreClustered()).isTrue();
    assertThat(scheduler.getMetaData().isJobStoreSupportsPersistence()).isTrue();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (findings.list(FindingRepository.Query.all()).total() == 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
    }
    assertThat(findings.list(FindingRepository.Query.all()).total()).as("demo findings on PostgreSQL").isPositive();
    assertThat(jdbc.sql("SELECT COUNT(*) FROM qrtz_job_details WHERE job_group = 'collect'").query(Long.class).single())
        .as("collect jobs persisted in the JDBC job store").isPositive();
    assertThat(jdbc.sql("SELECT COUNT(*) FROM qrtz_scheduler_state").query(Long.class).single())
        .as("this instance checked in to the cluster").isEqualTo(1);
  }
}
