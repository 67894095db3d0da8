package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.integrity.HashChains;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V135 and V136 (H2): a database with findings upgrades in place to controls, owners and events
 * without foreign keys to {@code finding}, without the indexes H2 made for those keys alone, and
 * without the controls' index by control (issue #14: each was one more B-tree entry per row written
 * and visited again by the commit), keeping every row, the event chain and the indexes the queries
 * read by finding.
 */
class FindingChildKeysMigrationTest {

  @TempDir
  Path dir;

  @Test
  void theChildrensKeysToFindingAndTheirOwnIndexesGoAndTheRowsStay() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.toAbsolutePath().resolve("aims") + ";DB_CLOSE_DELAY=0");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration/common", "classpath:db/migration/h2")
        .target("120").load().migrate();
    JdbcClient jdbc = JdbcClient.create(ds);
    // before: each of the three tables has a key to finding, with an index on finding_id of its own
    assertThat(keysToFinding(jdbc)).containsExactlyInAnyOrder("FINDING_CONTROL", "FINDING_EVENT", "FINDING_OWNER",
        "FINDING_WORKFLOW");
    assertThat(indexes(jdbc)).contains("FINDING_CONTROL(FINDING_ID)", "FINDING_OWNER(FINDING_ID)",
        "FINDING_EVENT(FINDING_ID)", "FINDING_CONTROL(CONTROL_ID)");
    jdbc.sql("INSERT INTO finding (id, rule_id, pack, title, severity, controls, message, subject_type, subject_key,"
        + " status, stale, first_seen, last_seen) VALUES ('f1', 'r', 'p', 't', 'HIGH', 'A.6.2.2', 'm', 'model', 'k',"
        + " 'OPEN', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
    jdbc.sql("INSERT INTO finding_control (finding_id, control_id) VALUES ('f1', 'A.6.2.2')").update();
    jdbc.sql("INSERT INTO finding_owner (finding_id, owner) VALUES ('f1', 'ana')").update();
    HashChains chains = new HashChains(new JdbcTemplate(ds));
    FindingRepository.appendEvents(chains, List.of(new io.aimsmonitor.finding.FindingEvent("f1",
        java.time.Instant.parse("2026-11-01T00:00:00Z"), io.aimsmonitor.finding.FindingEvent.Type.OPENED, "system",
        null)));

    Flyway.configure().dataSource(ds).locations("classpath:db/migration/common", "classpath:db/migration/h2")
        .load().migrate();

    assertThat(keysToFinding(jdbc)).containsExactly("FINDING_WORKFLOW"); // it shares its primary key's index
    List<String> indexes = indexes(jdbc);
    assertThat(indexes).doesNotContain("FINDING_CONTROL(FINDING_ID)", "FINDING_OWNER(FINDING_ID)",
        "FINDING_EVENT(FINDING_ID)", "FINDING_CONTROL(CONTROL_ID)"); // V136: no H2 plan reads it
    // what reads by finding still has an index starting with it
    assertThat(indexes).contains("FINDING_CONTROL(FINDING_ID,CONTROL_ID)", "FINDING_OWNER(FINDING_ID,OWNER)",
        "FINDING_EVENT(FINDING_ID,ID)");
    assertThat(jdbc.sql("SELECT COUNT(*) FROM finding_control").query(Long.class).single()).isEqualTo(1);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM finding_owner").query(Long.class).single()).isEqualTo(1);
    assertThat(TestStore.on(ds).findings().history("f1")).hasSize(1);
    assertThat(chains.verify().intact()).isTrue();
  }

  /** Tables with a foreign key to {@code finding}. */
  private static List<String> keysToFinding(JdbcClient jdbc) {
    return jdbc.sql("SELECT t.TABLE_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t"
        + " JOIN INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_NAME = t.CONSTRAINT_NAME"
        + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS u ON u.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME"
        + " WHERE t.TABLE_SCHEMA = SCHEMA() AND t.CONSTRAINT_TYPE = 'FOREIGN KEY' AND u.TABLE_NAME = 'FINDING'")
        .query(String.class).list();
  }

  /** Every index of the finding tables as {@code TABLE(COLUMN,...)}. */
  private static List<String> indexes(JdbcClient jdbc) {
    return jdbc.sql("SELECT i.TABLE_NAME || '(' || LISTAGG(c.COLUMN_NAME, ',') WITHIN GROUP (ORDER BY c.ORDINAL_POSITION)"
        + " || ')' FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c"
        + " ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME"
        + " WHERE i.TABLE_SCHEMA = SCHEMA() AND i.TABLE_NAME LIKE 'FINDING%' GROUP BY i.TABLE_NAME, i.INDEX_NAME")
        .query(String.class).list();
  }
}
