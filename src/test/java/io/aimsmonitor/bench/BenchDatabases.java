package io.aimsmonitor.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.aimsmonitor.config.DatabaseDefaults;
import java.nio.file.Path;
import java.sql.DriverManager;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The databases the harnesses measure, set up as production runs them: a connection pool
 * (HikariCP, Spring Boot's default) over the H2 file database with the URL of application.yaml, or
 * over PostgreSQL in a schema of the harness's own, dropped on close. WHY pooled: the first
 * {@code EvaluationBench} opened the H2 file anew per statement, which made loading findings take
 * 13 s instead of 0.14 s (issue #14).
 */
final class BenchDatabases {

  static final String POSTGRES_URL_ENV = "AIMS_TEST_POSTGRES_URL";

  /** A migrated database and what closing it does. */
  record Db(String name, DataSource dataSource, AutoCloseable closer) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      closer.close();
    }
  }

  private BenchDatabases() {}

  /**
   * The application's H2 URL ({@link DatabaseDefaults#H2_URL_SETTINGS}), or with
   * {@code -Daims.bench.h2settings} in place of its settings (e.g.
   * {@code ;DB_CLOSE_ON_EXIT=FALSE;PAGE_SIZE=65536}): WHY, so that any harness can compare settings
   * without a change of code (H2 refuses a setting given twice, so appending cannot replace one).
   */
  static Db h2(Path dir) {
    return h2(dir, "");
  }

  /** With {@code settings} appended to the URL (e.g. {@code ;CACHE_SIZE=65536}), for comparisons. */
  static Db h2(Path dir, String settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dir.toAbsolutePath().resolve("aims")
        + System.getProperty("aims.bench.h2settings", DatabaseDefaults.H2_URL_SETTINGS) + settings);
    config.setMaximumPoolSize(10);
    HikariDataSource ds = new HikariDataSource(config);
    migrate(ds, "h2", null);
    return new Db("H2", ds, ds);
  }

  static boolean postgresAvailable() {
    String url = System.getenv(POSTGRES_URL_ENV);
    return url != null && !url.isBlank();
  }

  /** A fresh schema on the PostgreSQL server named by {@value #POSTGRES_URL_ENV}. */
  static Db postgres(String label) {
    String url = System.getenv(POSTGRES_URL_ENV);
    String schema = "aims_bench_" + label + "_" + ProcessHandle.current().pid();
    dropSchema(url, schema);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setSchema(schema);
    config.setMaximumPoolSize(10);
    DatabaseDefaults.POSTGRES_DRIVER_PROPERTIES.forEach(config::addDataSourceProperty); // as the application's pool
    HikariDataSource ds = new HikariDataSource(config);
    migrate(ds, "postgresql", schema);
    return new Db("PostgreSQL", ds, () -> {
      ds.close();
      dropSchema(url, schema);
    });
  }

  /**
   * Vacuums and analyses the tables when the PostgreSQL server has autovacuum off (as this
   * project's test server does). Production servers run autovacuum, which analyses a table once a
   * tenth of it changed and, since PostgreSQL 13, also vacuums it once inserts pass
   * {@code autovacuum_vacuum_insert_threshold} plus a fifth of the table: a freshly written table is
   * both analysed and vacuumed within a minute. Without statistics the plans would be plans no
   * deployment runs; without the vacuum every index-only probe (a page's owners) would also visit
   * the heap, because no page is yet marked all-visible. Queries that must stay fast without
   * statistics have their own tests (FindingQueryPostgresTest).
   *
   * <p>Only the tables autovacuum would act on: with {@code reltuples} unknown it analyses a table
   * once 50 rows changed ({@code autovacuum_analyze_threshold}) and vacuums it once 1,000 were
   * inserted, so a table with fewer rows (the harnesses' tables are written by inserts and
   * updates, never emptied) is left as it is. WHY: an empty table vacuumed is an empty table the
   * planner trusts to stay empty (0 pages), which autovacuum never tells it; the findings page then
   * joined {@code finding_workflow} by a sequential scan restarted for each of its 51 rows, each
   * restart a system call for the table's size, instead of the hash or index join a server with
   * autovacuum plans (issue #14).
   */
  static void analyzeAsAutovacuumWould(Db db) throws java.sql.SQLException {
    if (!db.name().equals("PostgreSQL")) {
      return;
    }
    try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
      c.setAutoCommit(true); // VACUUM cannot run inside a transaction
      var rs = s.executeQuery("SHOW autovacuum");
      if (!(rs.next() && rs.getString(1).equals("off"))) {
        return;
      }
      // the harness's own schema only: the shared test database holds other runs' schemas
      var tables = new java.util.ArrayList<String>();
      var names = s.executeQuery("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
          + " WHERE schemaname = current_schema() ORDER BY tablename");
      while (names.next()) {
        tables.add(names.getString(1));
      }
      var vacuum = new java.util.ArrayList<String>();
      var analyze = new java.util.ArrayList<String>();
      for (String table : tables) {
        var rows = s.executeQuery("SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " LIMIT 1000) t");
        rows.next();
        long n = rows.getLong(1);
        if (n >= 1000) {
          vacuum.add(table);
        } else if (n >= 50) {
          analyze.add(table);
        }
      }
      if (!vacuum.isEmpty()) {
        s.execute("VACUUM (ANALYZE) " + String.join(", ", vacuum));
      }
      if (!analyze.isEmpty()) {
        s.execute("ANALYZE " + String.join(", ", analyze));
      }
    }
  }

  private static void dropSchema(String url, String schema) {
    try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (Exception e) {
      throw new IllegalStateException("cannot drop schema " + schema + ": " + e.getMessage(), e);
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
