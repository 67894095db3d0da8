package io.aimsmonitor.shadow;

import io.aimsmonitor.testing.TestDatabases;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The same shadow evaluations and backtests on the real PostgreSQL server, in a schema of its own. */
class ShadowBacktestPostgresTest extends ShadowBacktestTest {

  private TestDatabases.PostgresSchema schema;

  @Override
  DataSource database(Path folder) {
    schema = TestDatabases.postgres();
    return schema.dataSource();
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (schema != null) {
      schema.close();
    }
  }
}
