package io.aimsmonitor.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Plain JDBC on one schema of the PostgreSQL test server, for tests that watch forked services
 * from the outside: a fresh connection per query, so that only committed data is ever seen.
 */
public record SchemaSql(String schema) {

  /** A row of a result set, read by the caller. */
  public interface Row {
    void accept(ResultSet rs) throws Exception;
  }

  public void dropIfExists() throws Exception {
    try (Connection c = DriverManager.getConnection(System.getenv(TestDatabases.POSTGRES_URL_ENV));
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  public boolean hasTable(String table) throws Exception {
    try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(null, schema, table, null)) {
      return rs.next();
    }
  }

  /** The first column of the first row, as a long (a COUNT). */
  public long count(String sql) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public void query(String sql, Row row) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        row.accept(rs);
      }
    }
  }

  /** Each row as its columns joined by {@code |}, in the query's order. */
  public List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    query(sql, rs -> {
      List<String> cols = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        cols.add(String.valueOf(rs.getObject(i)));
      }
      out.add(String.join("|", cols));
    });
    return out;
  }

  private Connection connect() throws Exception {
    Connection c = DriverManager.getConnection(System.getenv(TestDatabases.POSTGRES_URL_ENV));
    c.setSchema(schema);
    return c;
  }

  /**
   * Waits until {@code condition} holds, failing with the services' last log lines when one of
   * them exited or the time is up.
   */
  public static void await(String what, Duration timeout, Callable<Boolean> condition, ForkedService... watched)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.call()) {
      for (ForkedService s : watched) {
        if (!s.isAlive()) {
          throw new AssertionError("waiting for " + what + ": " + s.tail(60));
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "\n"
            + Arrays.stream(watched).map(s -> s.tail(40)).collect(Collectors.joining("\n")));
      }
      Thread.sleep(250);
    }
  }
}
