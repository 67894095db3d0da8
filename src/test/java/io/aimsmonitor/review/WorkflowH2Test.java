package io.aimsmonitor.review;

import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review workflow on the embedded default, an H2 file database. */
class WorkflowH2Test extends WorkflowScenario {

  @TempDir
  Path dir;

  @Test
  void acknowledgeAssignCommentDueWaiveExpireRevokeAndBulkOnH2() {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    runScenario(dir, TestStore.on(data), data);
  }

  @Test
  void fourEyesTheRequesterCannotApproveOnH2() {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    runFourEyes(dir, TestStore.on(data), data);
  }
}
