package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlMapFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * {@code scan}'s throw-away database gets the schema Flyway would create: the same migrations, run
 * without Flyway ({@link ScanSchema}). Compared on two fresh in-memory databases: every table,
 * column, index, constraint, sequence and view in INFORMATION_SCHEMA, the rows the migrations
 * insert, and H2's own dump of the whole database; Flyway's schema history table, and the names H2
 * makes up for unnamed keys (which that table's presence can change), are the only differences allowed.
 */
class ScanSchemaTest {

  private static final String HISTORY = "flyway_schema_history";

  @Test
  void theMigrationsRunWithoutFlywayGiveTheSchemaFlywayGives() throws Exception {
    DataSource flyway = memory();
    Flyway.configure().dataSource(flyway).locations(flywayLocations().toArray(String[]::new)).load().migrate();
    DataSource scan = memory();
    ScanSchema.create(scan);

    List<String> queries = List.of(
        "SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'",
        "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION,"
            + " NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE, COLUMN_DEFAULT, IS_IDENTITY, IDENTITY_GENERATION,"
            + " IS_GENERATED, GENERATION_EXPRESSION FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'PUBLIC'",
        "SELECT i.TABLE_NAME, i.INDEX_NAME, i.INDEX_TYPE_NAME, c.COLUMN_NAME, c.ORDINAL_POSITION, c.ORDERING_SPECIFICATION,"
            + " c.NULL_ORDERING FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c"
            + " ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME WHERE i.TABLE_SCHEMA = 'PUBLIC'",
        "SELECT t.TABLE_NAME, t.CONSTRAINT_NAME, t.CONSTRAINT_TYPE, k.COLUMN_NAME, k.ORDINAL_POSITION"
            + " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t LEFT JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k"
            + " ON k.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = t.CONSTRAINT_NAME"
            + " WHERE t.TABLE_SCHEMA = 'PUBLIC'",
        "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS"
            + " WHERE CONSTRAINT_SCHEMA = 'PUBLIC'",
        "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'PUBLIC'",
        "SELECT SEQUENCE_NAME, START_VALUE, INCREMENT FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_SCHEMA = 'PUBLIC'",
        "SELECT TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = 'PUBLIC'",
        "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM INFORMATION_SCHEMA.TRIGGERS WHERE TRIGGER_SCHEMA = 'PUBLIC'");
    for (String query : queries) {
      List<String> expected = rows(flyway, query);
      assertThat(rows(scan, query)).as(query).containsExactlyInAnyOrderElementsOf(expected);
    }
    // the comparison is not vacuous: the schema has the tables, columns and indexes scan uses
    assertThat(rows(scan, queries.get(0))).hasSizeGreaterThan(15).anyMatch(r -> r.startsWith("FINDING|"));
    assertThat(rows(scan, queries.get(2))).hasSizeGreaterThan(20);

    // every row the migrations insert, table by table
    for (String table : rows(scan, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
      String query = "SELECT * FROM \"" + table + "\"";
      assertThat(rows(scan, query)).as(query).containsExactlyInAnyOrderElementsOf(rows(flyway, query));
    }
    // and H2's own dump of everything, in creation order
    assertThat(withoutHistory(rows(scan, "SCRIPT"))).containsExactlyElementsOf(withoutHistory(rows(flyway, "SCRIPT")));
  }

  @Test
  void theRunnerReadsTheLocationsFlywayIsGivenAndEveryFileThereIsAPlainVersionedMigration() throws Exception {
    // spring.flyway.locations of application.yaml, for H2
    assertThat(flywayLocations()).containsExactlyElementsOf(
        ScanSchema.LOCATIONS.stream().map(l -> "classpath:" + l).toList());
    var resolver = new PathMatchingResourcePatternResolver();
    List<String> files = new ArrayList<>();
    for (String location : ScanSchema.LOCATIONS) {
      for (var r : resolver.getResources("classpath*:" + location + "/**/*")) {
        if (r.isReadable()) {
          files.add(r.getFilename());
          // Flyway would replace placeholders; the runner runs the text as it is
          assertThat(r.getContentAsString(java.nio.charset.StandardCharsets.UTF_8)).as(r.getFilename()).doesNotContain("${");
        }
      }
    }
    // no repeatable (R__) or callback (afterMigrate.sql ...) files, nothing in sub-folders, no Java migrations
    assertThat(files).isNotEmpty().allMatch(f -> f.matches("V\\d+(?:[._]\\d+)*__.+\\.sql"));
    assertThat(ScanSchema.migrations()).hasSize(files.size());
    assertThat(resolver.getResources("classpath*:db/migration/**/*.class")).isEmpty();
  }

  @Test
  void migrationsRunInFlywaysVersionOrder() {
    List<String> names = ScanSchema.migrations().stream().map(ScanSchema.Migration::name).toList();
    assertThat(names.get(0)).startsWith("V1__");
    assertThat(names.indexOf("V105__snapshot_fact_rows.sql")).isGreaterThan(names.indexOf("V95__shadow_packs.sql"));
    assertThat(ScanSchema.compare(v(1, 1), v(1, 0, 9))).isPositive();
    assertThat(ScanSchema.compare(v(1), v(1, 0))).isZero();
    assertThat(ScanSchema.compare(v(2), v(10))).isNegative();
  }

  @Test
  void aFailingMigrationIsNamed() {
    DataSource scan = memory();
    ScanSchema.create(scan);
    // a second run on the same database fails on the first CREATE TABLE, and says which file
    assertThatThrownBy(() -> ScanSchema.create(scan)).hasMessageContaining("V1__init.sql");
  }

  @Test
  void aMigrationFailingOnTheSchemaThreadFailsTheDataSourceThatAwaitsIt() {
    // the schema thread runs the migrations on a database that already has them, so the first
    // CREATE TABLE fails there; the failure must reach the context when it creates its data source
    String url = "jdbc:h2:mem:schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    JdbcDataSource existing = new JdbcDataSource();
    existing.setURL(url);
    existing.setUser("sa");
    ScanSchema.create(existing);
    ScanSchema awaited = new ScanSchema(url, "sa", "");
    assertThat(awaited.postProcessAfterInitialization("not a data source", "other")).isEqualTo("not a data source");
    assertThatThrownBy(() -> awaited.postProcessAfterInitialization(existing, "dataSource"))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the in-memory database:")
        .hasMessageContaining("V1__init.sql");
  }

  private static List<BigInteger> v(long... parts) {
    return java.util.Arrays.stream(parts).mapToObj(BigInteger::valueOf).toList();
  }

  /** spring.flyway.locations of application.yaml with {vendor} = h2. */
  @SuppressWarnings("unchecked")
  private static List<String> flywayLocations() throws Exception {
    YamlMapFactoryBean yaml = new YamlMapFactoryBean();
    yaml.setResources(new ClassPathResource("application.yaml"));
    Map<String, Object> spring = (Map<String, Object>) yaml.getObject().get("spring");
    String locations = (String) ((Map<String, Object>) spring.get("flyway")).get("locations");
    return List.of(locations.replace("{vendor}", "h2").split(","));
  }

  private static DataSource memory() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  /**
   * A name H2 makes up for an unnamed key or constraint (PRIMARY_KEY_6F): a hash of the table's
   * name, lengthened when the shorter one is taken, so Flyway's history table can lengthen another
   * table's. No code names them; the comparison leaves the suffix out.
   */
  private static final Pattern GENERATED_NAME =
      Pattern.compile("\\b(PRIMARY_KEY|CONSTRAINT_INDEX|CONSTRAINT|FK|UK|INDEX)_[0-9A-F]{1,8}\\b");

  private static final Pattern HISTORY_LINE = Pattern.compile("(?is).*\"?" + HISTORY + "\"?.*");

  private static List<String> withoutHistory(List<String> script) {
    return script.stream().filter(line -> !HISTORY_LINE.matcher(line).matches()).toList();
  }

  /** Each row as its values joined by '|', rows of Flyway's history table left out. */
  private static List<String> rows(DataSource ds, String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object value = rs.getObject(i);
          if (value instanceof java.sql.Clob clob) {
            value = clob.getSubString(1, (int) clob.length());
          } else if (value instanceof java.sql.Blob blob) {
            try (InputStream in = blob.getBinaryStream()) {
              value = java.util.HexFormat.of().formatHex(in.readAllBytes());
            }
          } else if (value instanceof byte[] bytes) {
            value = java.util.HexFormat.of().formatHex(bytes);
          }
          row.append(i > 1 ? "|" : "").append(value);
        }
        if (!row.toString().contains(HISTORY)) {
          out.add(GENERATED_NAME.matcher(row).replaceAll("$1_*"));
        }
      }
    }
    return out;
  }
}
