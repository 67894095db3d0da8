package io.aimsmonitor.review;

import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review workflow on the real PostgreSQL server ({@code AIMS_TEST_POSTGRES_URL}). */
@RequiresPostgres
class WorkflowPostgresTest extends WorkflowScenario {

  @TempDir
  Path dir;

  @Test
  void acknowledgeAssignCommentDueWaiveExpireRevokeAndBulkOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      runScenario(dir, TestStore.on(pg.dataSource()), pg.dataSource());
    }
  }

  @Test
  void fourEyesTheRequesterCannotApproveOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      runFourEyes(dir, TestStore.on(pg.dataSource()), pg.dataSource());
    }
  }
}
