package io.aimsmonitor.store;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How many findings a filter selects, counted once per change of the findings rather than once per
 * request.
 *
 * <p>WHY: every page of the findings API carries the total of its filter; counting it per request
 * read every matching row (an index scan of 100,000 entries at 100,000 findings), and with 32
 * clients paging that was most of the API's time (issue #14). Findings change at two moments only:
 * an evaluation (which ends by writing its {@code evaluation_run} row, after the findings and the
 * workflow rows) and a reviewer's action (which writes a {@code finding_event} after its change). The
 * newest id of those two tables is read by primary key, so checking that nothing changed costs two
 * index look-ups, also when several replicas share the database. The version is read before the
 * count: a change that lands in between leaves a newer count under the older version, which the next
 * request replaces, never an older count under the newer version.
 */
final class FindingCounts {

  /** Distinct filters kept; a flood of ad-hoc text searches starts the cache over instead of growing it. */
  static final int MAX_ENTRIES = 2_000;

  private record Entry(String version, long count) {}

  private final JdbcClient jdbc;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong counted = new AtomicLong();

  FindingCounts(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The number of rows of {@code finding f} matching {@code where} (with its {@code params}). */
  long count(String where, Map<String, Object> params) {
    return count(where, params, version());
  }

  /**
   * As {@link #count(String, Map)}, with the {@link #version()} the caller read before, in a
   * statement of its own ({@link #VERSION_COLUMNS}).
   */
  long count(String where, Map<String, Object> params, String version) {
    String key = where + "\u0000" + new TreeMap<>(params);
    Entry cached = entries.get(key);
    if (cached != null && cached.version().equals(version)) {
      return cached.count();
    }
    counted.incrementAndGet();
    long count = jdbc.sql("SELECT COUNT(*) FROM finding f" + where).params(params).query(Long.class).single();
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, new Entry(version, count));
    return count;
  }

  /** How many counts were read from the database (not the cache): for tests. */
  long counted() {
    return counted.get();
  }

  /**
   * The two values of the version, as columns {@code version_run} and {@code version_event} of any
   * select, for a caller that reads them with its own query ({@link #version(Object, Object)}).
   */
  static final String VERSION_COLUMNS = "(SELECT MAX(id) FROM evaluation_run) AS version_run,"
      + " (SELECT MAX(id) FROM finding_event) AS version_event";

  /** Changes whenever the findings or their workflow change (see the class comment). */
  String version() {
    return jdbc.sql("SELECT " + VERSION_COLUMNS).query((rs, n) -> version(rs.getObject(1), rs.getObject(2))).single();
  }

  /** The version from the values of {@link #VERSION_COLUMNS}. */
  static String version(Object lastRun, Object lastEvent) {
    return String.valueOf(lastRun) + "/" + String.valueOf(lastEvent);
  }
}
