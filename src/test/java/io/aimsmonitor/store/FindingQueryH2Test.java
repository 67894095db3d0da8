package io.aimsmonitor.store;

import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FindingQueryScenario} on the embedded H2 database. */
class FindingQueryH2Test extends FindingQueryScenario {

  @TempDir
  Path dir;

  private FindingRepository repo() {
    return TestStore.on(TestDatabases.h2File(dir)).findings();
  }

  @Test
  void everyFilterSelectsWhatItSays() {
    everyFilterSelectsWhatItSays(repo());
  }

  @Test
  void everySortPagesThroughEachFindingOnceInOrder() {
    everySortPagesThroughEachFindingOnceInOrder(repo());
  }

  @Test
  void pagingIsStableWhileFindingsChange() {
    pagingIsStableWhileFindingsChange(repo());
  }

  @Test
  void pagesCrossSortValueBoundaries() {
    pagesCrossSortValueBoundaries(repo());
  }

  /**
   * A page after a cursor in the middle of a large band of one sort value reads about its own rows
   * (H2's {@code scanCount} in {@code EXPLAIN ANALYZE}), not the band from its start: severity (the
   * default sort) and first seen, in both directions, each of the two statements a page after a
   * cursor may take on H2. The row-comparison form that PostgreSQL uses is measured alongside, so
   * the test shows what it guards against (H2 bounds that form by its first column only).
   */
  @Test
  void aPageAfterACursorReadsABoundedIndexRange() {
    javax.sql.DataSource ds = TestDatabases.h2File(dir);
    var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(ds);
    seedBands(jdbc, "'OPEN'");
    java.time.Instant firstSeen = java.time.Instant.parse("2026-10-01T01:00:00Z");
    for (FindingSort sort : java.util.List.of(FindingSort.DEFAULT, FindingSort.parse("severity"),
        FindingSort.parse("firstSeen"), FindingSort.parse("-firstSeen"))) {
      Object value = sort.key() == FindingSort.Key.SEVERITY ? (Object) 2 : firstSeen;
      // the cursor: a thousand rows or more into its band from either end
      FindingSort.Cursor after = new FindingSort.Cursor(sort, value, "00003002");
      for (FindingFilter filter : java.util.List.of(FindingFilter.all(),
          FindingFilter.all().and(new FindingFilter.Condition("f.rule_id <> 'none'", java.util.Map.of())))) {
        for (FindingRepository.Range range : java.util.List.of(FindingRepository.Range.SAME_VALUE,
            FindingRepository.Range.PAST_VALUE)) {
          org.assertj.core.api.Assertions.assertThat(scanned(jdbc, filter, sort, after, range))
              .as(sort.label() + " " + filter + " " + range + ": rows read").isLessThan(200);
        }
        org.assertj.core.api.Assertions.assertThat(scanned(jdbc, filter, sort, after, FindingRepository.Range.ALL))
            .as(sort.label() + " " + filter + ": with a row comparison").isGreaterThan(1000);
      }
    }
  }

  /**
   * A page of the findings of one status (the API's {@code status=open}: open and not waived, the
   * overview's links; or {@code resolved}) in the default order reads about its own rows, the first
   * page and each statement after a cursor, in both directions: the status leads the order, so that
   * H2 reads {@code finding_page_by_status_severity} in order and stops
   * ({@link FindingSort#orderBy(FindingFilter)}). The same filter without the status leading the
   * order (a condition that does not say it fixes the status) is measured alongside: H2 then reads
   * the status's whole range, or the band's, and sorts it.
   */
  @Test
  void aPageOfOneStatusReadsABoundedIndexRange() {
    javax.sql.DataSource ds = TestDatabases.h2File(dir);
    var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(ds);
    seedBands(jdbc, "CASE WHEN MOD(X, 5) = 0 THEN 'RESOLVED' ELSE 'OPEN' END");
    FindingFilter open = FindingFilter.all().and(FindingFilter.both(FindingFilter.status(
        io.aimsmonitor.finding.Finding.Status.OPEN), FindingFilter.waived(false)));
    FindingFilter resolved = FindingFilter.all().and(FindingFilter.status(io.aimsmonitor.finding.Finding.Status.RESOLVED));
    FindingFilter openUnmarked = FindingFilter.all().and(new FindingFilter.Condition("f.status = :status",
        java.util.Map.of("status", "OPEN")));
    for (FindingSort sort : java.util.List.of(FindingSort.DEFAULT, FindingSort.parse("severity"))) {
      FindingSort.Cursor after = new FindingSort.Cursor(sort, 2, "00003002");
      for (FindingFilter filter : java.util.List.of(open, resolved)) {
        org.assertj.core.api.Assertions.assertThat(scanned(jdbc, filter, sort, null, FindingRepository.Range.ALL))
            .as(sort.label() + " " + filter + ": first page").isLessThan(200);
        for (FindingRepository.Range range : java.util.List.of(FindingRepository.Range.SAME_VALUE,
            FindingRepository.Range.PAST_VALUE)) {
          org.assertj.core.api.Assertions.assertThat(scanned(jdbc, filter, sort, after, range))
              .as(sort.label() + " " + filter + " " + range).isLessThan(200);
        }
      }
      org.assertj.core.api.Assertions.assertThat(scanned(jdbc, openUnmarked, sort, null, FindingRepository.Range.ALL))
          .as(sort.label() + ": the status not leading the order").isGreaterThan(1000);
    }
  }

  /**
   * A page in the default order reads no row of {@code finding}: every column of {@code f} the page's
   * statements name (the summary columns, the derived last seen's, the cursor's) is a column of
   * {@code finding_page_by_severity} (V150), so H2 answers from the index entries it walks and never
   * fetches the row, which on random pages was a storage page per row, most of them missing the cache
   * (issue #14). Fails when a column is added to the list's page without being added to the index.
   */
  @Test
  void aSeverityPageReadsOnlyColumnsOfItsIndex() {
    javax.sql.DataSource ds = TestDatabases.h2File(dir);
    var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(ds);
    java.util.Set<String> indexed = new java.util.HashSet<>(jdbc.sql("SELECT LOWER(COLUMN_NAME) FROM"
        + " INFORMATION_SCHEMA.INDEX_COLUMNS WHERE INDEX_NAME = 'FINDING_PAGE_BY_SEVERITY'").query(String.class).list());
    FindingSort.Cursor after = new FindingSort.Cursor(FindingSort.DEFAULT, 2, "00003002");
    java.util.Set<String> read = new java.util.TreeSet<>();
    for (FindingRepository.Range range : FindingRepository.Range.values()) {
      String sql = FindingRepository.pageQuery(FindingFilter.all(), FindingSort.DEFAULT,
          range == FindingRepository.Range.ALL ? null : after, range, 51, new java.util.LinkedHashMap<>());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bf\\.(\\w+)").matcher(sql);
      while (m.find()) {
        read.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    org.assertj.core.api.Assertions.assertThat(read).contains("id", "severity_rank", "message", "seen_live");
    org.assertj.core.api.Assertions.assertThat(indexed).as("finding_page_by_severity's columns")
        .containsAll(read).doesNotContain("evidence", "remediation");
  }

  /**
   * 6,000 findings of {@code status} (an SQL expression over {@code X}, 1 to 6,000): three severities
   * of 2,000 each, two first-seen times of 3,000 each.
   */
  private static void seedBands(org.springframework.jdbc.core.simple.JdbcClient jdbc, String status) {
    jdbc.sql("INSERT INTO finding (id, rule_id, pack, title, severity, severity_rank, controls, message, subject_type,"
        + " subject_key, status, stale, first_seen, last_seen) SELECT LPAD(TO_CHAR(X, 'FM999999'), 8, '0'),"
        + " 'rule-' || MOD(X, 40), 'pack', 'A rule', 'HIGH', 1 + MOD(X, 3), 'A.6.2.4', 'A message', 'ModelVersion',"
        + " 'mlflow:model-' || X, " + status + ", FALSE, TIMESTAMP WITH TIME ZONE '2026-10-01 00:00:00Z'"
        + " + MOD(X, 2) * INTERVAL '1' HOUR, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, 6000)").update();
  }

  /**
   * The rows H2 read for one statement of a page of 51 rows ({@link FindingRepository#pageQuery}):
   * the sum of the {@code scanCount}s of {@code EXPLAIN ANALYZE}, the page's owners and workflow rows
   * included.
   */
  private static long scanned(org.springframework.jdbc.core.simple.JdbcClient jdbc, FindingFilter filter,
      FindingSort sort, FindingSort.Cursor after, FindingRepository.Range range) {
    java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
    String sql = FindingRepository.pageQuery(filter, sort, after, range, 51, params);
    String plan = String.join("\n", jdbc.sql("EXPLAIN ANALYZE " + sql).params(params).query(String.class).list());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
    long sum = 0;
    boolean any = false;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
      any = true;
    }
    org.assertj.core.api.Assertions.assertThat(any).as(plan).isTrue();
    return sum;
  }

  @Test
  void totalsAreCountedOncePerChange() {
    totalsAreCountedOncePerChange(TestStore.on(TestDatabases.h2File(dir)));
  }
}
