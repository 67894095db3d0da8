package io.aimsmonitor.testing;

import io.aimsmonitor.config.DatabaseDefaults;
import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases the store runs on, migrated by the same Flyway scripts as production:
 * an H2 file database, and the real PostgreSQL server named by {@code AIMS_TEST_POSTGRES_URL}.
 */
public final class TestDatabases {

  public static final String POSTGRES_URL_ENV = "AIMS_TEST_POSTGRES_URL";

  private TestDatabases() {}

  /** An H2 file database under {@code dir}, migrated. Re-opening the same dir sees the same data. */
  public static DataSource h2File(Path dir) {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.toAbsolutePath().resolve("aims") + ";DB_CLOSE_DELAY=0");
    migrate(ds, "h2", null);
    return ds;
  }

  /**
   * A fresh schema on the PostgreSQL test server, migrated. Without {@value #POSTGRES_URL_ENV}
   * the test is skipped with a visible reason, except under {@code CI=true}, where it fails:
   * CI must prove the PostgreSQL path.
   */
  public static PostgresSchema postgres() {
    String url = System.getenv(POSTGRES_URL_ENV);
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(POSTGRES_URL_ENV + " is not set, but CI=true requires the PostgreSQL tests to run"
            + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)");
      }
      Assumptions.abort("PostgreSQL tests skipped: set " + POSTGRES_URL_ENV
          + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) to run them");
    }
    String schema = "aims_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    // the driver properties the application sets, so the tests run what production runs; before the
    // URL, whose own parameters win, as they do over the application's pool
    DatabaseDefaults.POSTGRES_DRIVER_PROPERTIES.forEach((name, value) -> {
      try {
        ds.setProperty(name, value);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("pgjdbc has no property " + name, e);
      }
    });
    ds.setURL(url);
    ds.setCurrentSchema(schema);
    migrate(ds, "postgresql", schema);
    return new PostgresSchema(ds, schema);
  }

  /** A PostgreSQL schema that drops itself. */
  public record PostgresSchema(PGSimpleDataSource dataSource, String schema) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (var c = dataSource.getConnection(); var s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static void migrate(DataSource ds, String vendor, String schema) {
    var config = Flyway.configure().dataSource(ds)
        .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor);
    if (schema != null) {
      config.schemas(schema).createSchemas(true);
    }
    config.load().migrate();
  }
}
