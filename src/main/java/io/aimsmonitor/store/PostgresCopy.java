package io.aimsmonitor.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Inserts rows into a PostgreSQL table with {@code COPY ... FROM STDIN}, on the connection of the
 * transaction open on the template's data source (a rollback keeps none of them).
 *
 * <p>WHY (issue #14: 100,000 new findings reconciled on PostgreSQL in 10.0 s against a 10 s target):
 * a multi-row INSERT ({@code reWriteBatchedInserts}) is still parsed, planned and executed per
 * statement of up to 128 rows with every value a bound parameter; COPY streams the rows as text in
 * one command per table, which the server parses with no planning.
 */
public final class PostgresCopy {

  /** Characters buffered before they are sent: the rows of one buffer exist at a time. */
  private static final int BUFFER = 1 << 16;

  private PostgresCopy() {}

  /**
   * Copies one row per item into {@code table}'s {@code columns}.
   *
   * @param row the item's values in column order (see {@link Rows#add})
   * @return rows copied
   */
  public static <T> long copy(JdbcTemplate template, String table, List<String> columns, List<T> items,
      Function<T, Object[]> row) {
    if (items.isEmpty()) {
      return 0;
    }
    Rows rows = open(template, table, columns);
    for (T item : items) {
      rows.add(row.apply(item));
    }
    return rows.finish();
  }

  /**
   * Starts copying rows into {@code table}'s {@code columns}, in the transaction open on the
   * template's data source: add them, then {@link Rows#finish}.
   */
  public static Rows open(JdbcTemplate template, String table, List<String> columns) {
    if (!org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("COPY into " + table + " needs a transaction: its connection is the transaction's");
    }
    return new Rows(template, "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN");
  }

  /** One COPY under way. Rows are sent as the buffer fills, so only a buffer's worth is held. */
  public static final class Rows {
    private final JdbcTemplate template;
    private final String sql;
    private final StringBuilder text = new StringBuilder(BUFFER + 1024);
    private CopyIn in;

    private Rows(JdbcTemplate template, String sql) {
      this.template = template;
      this.sql = sql;
    }

    /**
     * One row: text, numbers, booleans, {@link OffsetDateTime} or {@link Instant} (stored to the
     * microsecond, rounded half up as a bound parameter would be), or null, in column order.
     */
    public void add(Object[] values) {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          text.append('\t');
        }
        append(text, values[i]);
      }
      text.append('\n');
      if (text.length() >= BUFFER) {
        send();
      }
    }

    /** Sends what is left and ends the COPY; returns the rows copied. */
    public long finish() {
      send();
      return in == null ? 0 : run(() -> in.endCopy());
    }

    private void send() {
      if (text.length() == 0) {
        return;
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      text.setLength(0);
      run(() -> {
        if (in == null) {
          in = connection(c -> c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql));
        }
        in.writeToCopy(bytes, 0, bytes.length);
        return 0L;
      });
    }

    private interface Call {
      long call() throws SQLException;
    }

    private long run(Call call) {
      try {
        return call.call();
      } catch (SQLException e) {
        cancel();
        throw template.getExceptionTranslator().translate("COPY", sql, e);
      }
    }

    /** The connection of the transaction open on the data source, released as the transaction ends. */
    private <R> R connection(org.springframework.jdbc.core.ConnectionCallback<R> action) throws SQLException {
      DataSource dataSource = template.getDataSource();
      Connection con = DataSourceUtils.getConnection(dataSource);
      try {
        return action.doInConnection(con);
      } finally {
        DataSourceUtils.releaseConnection(con, dataSource);
      }
    }

    private void cancel() {
      try {
        if (in != null && in.isActive()) {
          in.cancelCopy();
        }
      } catch (SQLException ignored) {
        // the COPY's own error is the one reported; the transaction is rolled back either way
      }
    }
  }

  /** One value in COPY's text format. */
  static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("\\N");
    } else if (value instanceof Boolean b) {
      out.append(b ? 't' : 'f');
    } else if (value instanceof Number n) {
      out.append(n);
    } else if (value instanceof OffsetDateTime t) {
      out.append(micros(t.toInstant()));
    } else if (value instanceof Instant t) {
      out.append(micros(t));
    } else {
      String s = value.toString();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(c);
        }
      }
    }
  }

  private static final java.time.format.DateTimeFormatter MICROS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

  /** In UTC to the microsecond, rounded half up. */
  private static String micros(Instant t) {
    return MICROS.format(t.plusNanos(500).truncatedTo(ChronoUnit.MICROS));
  }
}
