package io.aimsmonitor.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The schema of the throw-away in-memory H2 database of {@code scan} and {@code controls --scan}:
 * the Flyway migrations' own SQL files, run in version order by H2 directly, without Flyway. The
 * migrations stay the one source of the schema; what is left out is Flyway's machinery, which an
 * empty database that lives for one command does not need (its configuration and class loading,
 * validating the migrations, the schema history table, a transaction per migration): about 0.5 to
 * 1 s of every scan's start (issue #14, docs/benchmarks.md "Start-up of {@code scan}").
 * {@code ScanSchemaTest} proves the schema (tables, columns, indexes, constraints, and any rows the
 * migrations insert) is the one Flyway creates, and that every migration is a plain versioned SQL
 * file this runner can run: no placeholders, no repeatable or Java migrations, no callbacks.
 *
 * <p>The schema is created on a thread of its own, started before the context defines its beans,
 * on the in-memory database the context's data source will open (same URL and credentials; H2 keeps
 * it while the process lives, {@code DB_CLOSE_DELAY=-1}). Spring's bean definitions and the rule
 * packs keep the main thread busy for a second or more, so on a machine with a second core the
 * schema is ready when the data source is created and its time (about 0.2 s on a quiet machine)
 * leaves the start of every scan (issue #14). It is awaited as a bean post-processor of the
 * context's data source, so the schema exists before any bean can reach the database and a failing
 * migration fails the command as before; the service and every command on a real database keep
 * Flyway.
 */
final class ScanSchema implements BeanPostProcessor {

  /** Where the migrations for H2 are: {@code spring.flyway.locations} of application.yaml with {@code {vendor}} = h2. */
  static final List<String> LOCATIONS = List.of("db/migration/common", "db/migration/h2");

  private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__[^/]*\\.sql");

  private static final Logger log = LoggerFactory.getLogger(ScanSchema.class);

  private final CompletableFuture<Created> creating = new CompletableFuture<>();
  private boolean awaited;

  /** Starts creating the schema on the empty in-memory database at {@code url}, on a daemon thread. */
  ScanSchema(String url, String user, String password) {
    JdbcDataSource database = new JdbcDataSource();
    database.setURL(url);
    database.setUser(user);
    database.setPassword(password);
    Thread thread = new Thread(() -> {
      try {
        creating.complete(create(database));
      } catch (Throwable e) {
        creating.completeExceptionally(e);
      }
    }, "aims-scan-schema");
    // a command that fails before its data source exists exits without waiting for the schema
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof DataSource && !awaited) {
      awaited = true;
      long waiting = System.nanoTime();
      Created created;
      try {
        created = creating.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
      log.info("in-memory database: schema of {} migrations created in {} ms (waited {} ms for it)",
          created.migrations(), created.millis(), (System.nanoTime() - waiting) / 1_000_000);
    }
    return bean;
  }

  /** What {@link #create} did: how many migrations it ran, in how many milliseconds. */
  record Created(int migrations, long millis) {}

  /** Runs every migration, in version order, on an empty database. */
  static Created create(DataSource dataSource) {
    long started = System.nanoTime();
    List<Migration> migrations = migrations();
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      for (Migration migration : migrations) {
        try {
          // H2 runs a script of several statements given as one command, parsing it as it parses RUNSCRIPT
          statement.execute(migration.sql());
        } catch (SQLException e) {
          throw new IllegalStateException("the in-memory database: migration " + migration.name() + " failed: "
              + e.getMessage(), e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the in-memory database: " + e.getMessage(), e);
    }
    return new Created(migrations.size(), (System.nanoTime() - started) / 1_000_000);
  }

  /** A migration file: its name, version parts and text. */
  record Migration(String name, List<BigInteger> version, String sql) {}

  /** Every migration of {@link #LOCATIONS}, in Flyway's order (by version, compared part by part). */
  static List<Migration> migrations() {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(ScanSchema.class.getClassLoader());
    List<Migration> out = new ArrayList<>();
    try {
      for (String location : LOCATIONS) {
        for (Resource resource : resolver.getResources("classpath*:" + location + "/*.sql")) {
          String name = resource.getFilename();
          Matcher m = VERSIONED.matcher(name == null ? "" : name);
          if (!m.matches()) {
            throw new IllegalStateException("the in-memory database: " + location + "/" + name
                + " is not a versioned migration (V<version>__<description>.sql)");
          }
          List<BigInteger> version = new ArrayList<>();
          for (String part : m.group(1).split("[._]")) {
            version.add(new BigInteger(part));
          }
          out.add(new Migration(name, List.copyOf(version), resource.getContentAsString(StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.comparing(Migration::version, ScanSchema::compare));
    for (int i = 1; i < out.size(); i++) {
      if (compare(out.get(i - 1).version(), out.get(i).version()) == 0) {
        throw new IllegalStateException("the in-memory database: two migrations with one version: "
            + out.get(i - 1).name() + ", " + out.get(i).name());
      }
    }
    return out;
  }

  /** Flyway's version order: part by part, a missing part counting as 0 (1 = 1.0). */
  static int compare(List<BigInteger> a, List<BigInteger> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
      BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
