package io.aimsmonitor.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.cli.VerifyCommand;
import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.WaiverRequest;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import picocli.CommandLine;

/**
 * Tamper evidence end to end: an evaluation, a workflow action, a waiver and audit entries chain
 * themselves; an untouched store verifies; one finding event edited by SQL, a waiver edited by SQL,
 * or the newest audit entry deleted are each named. On H2 (also through {@code aims-monitor verify})
 * and on PostgreSQL with concurrent writers.
 */
class HashChainsTest {

  @TempDir
  Path dir;

  /** Findings with events, an acknowledgement, an approved waiver and audit entries, all through the real writers. */
  private Workbench scenario(DataSource data, Path root) throws Exception {
    Files.createDirectories(root);
    TestStore store = TestStore.on(data);
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    Workbench bench = Workbench.withReview(root, store, data, clock, ReviewProperties.defaults());
    bench.writePack("owner", Workbench.OWNER_RULE);
    bench.ruleBook.reload();
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[]"));
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
    String finding = new JdbcTemplate(data).queryForObject("SELECT MIN(id) FROM finding", String.class);
    bench.review.acknowledge(finding, "alice", "looking into it");
    bench.review.requestWaiver(WaiverRequest.forFinding(finding, "Owner being hired; model is in shadow traffic only",
        clock.instant().plus(Duration.ofDays(30))), "alice");
    AuditLog audit = new AuditLog(new JdbcTemplate(data), clock);
    audit.recordAs("alice", "finding.acknowledge", finding, null, "{}");
    audit.recordAs("bob", "user.create", "carol", null, "{\"role\":\"viewer\"}");
    return bench;
  }

  @Test
  void anUntouchedStoreVerifiesAndEachKindOfTamperingIsNamed() throws Exception {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    scenario(data, dir.resolve("bench"));
    HashChains chains = new HashChains(new JdbcTemplate(data));
    HashChains.Report clean = chains.verify();
    assertTrue(clean.intact(), () -> "untouched: " + clean);
    assertTrue(clean.chains().stream().allMatch(c -> c.entries() > 0), clean.toString());

    String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath().resolve("aims") + ";DB_CLOSE_DELAY=0";
    Run intact = verifyCli(url);
    assertEquals(0, intact.exit(), intact.out() + intact.err());
    assertTrue(intact.out().contains("all chains intact"), intact.out());

    JdbcClient jdbc = JdbcClient.create(data);
    jdbc.sql("INSERT INTO finding_event (finding_id, at, type, actor, detail) SELECT finding_id, at, 'RESOLVED', actor,"
        + " 'forged' FROM finding_event WHERE id = (SELECT MIN(id) FROM finding_event)").update();
    HashChains.Break forged = chains.verify(Chain.FINDING_EVENT).firstBreak();
    assertTrue(forged.problem().contains("not in the chain"), forged.toString());
    jdbc.sql("DELETE FROM finding_event WHERE detail = 'forged'").update();

    long edited = jdbc.sql("SELECT MIN(id) FROM finding_event").query(Long.class).single() + 1;
    assertEquals(1, jdbc.sql("UPDATE finding_event SET detail = 'nothing to see' WHERE id = ?").param(edited).update());

    Run broken = verifyCli(url);
    assertEquals(1, broken.exit(), broken.out() + broken.err());
    assertTrue(broken.out().contains("first broken link: finding_event id " + edited + " "), broken.out());
    assertTrue(broken.out().contains("does not match its hash"), broken.out());
    assertTrue(broken.out().contains("tampering detected"), broken.out());

    HashChains.Break atEvent = chains.verify().firstBreak();
    assertEquals("finding_event", atEvent.table());
    assertEquals(String.valueOf(edited), atEvent.id());

    jdbc.sql("UPDATE waiver SET justification = 'approved by the board' ").update();
    HashChains.ChainStatus waivers = chains.verify().chains().stream().filter(c -> c.table().equals("waiver"))
        .findFirst().orElseThrow();
    assertNotNull(waivers.firstBreak());
    assertTrue(waivers.firstBreak().problem().contains("justification"), waivers.toString());

    jdbc.sql("DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event)").update();
    HashChains.ChainStatus audit = chains.verify().chains().stream().filter(c -> c.table().equals("audit_event"))
        .findFirst().orElseThrow();
    assertTrue(audit.firstBreak().problem().contains("newest entries were deleted"), audit.toString());

  }

  @Test
  void concurrentWritersOnPostgresExtendOneUnbrokenChain() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      scenario(pg.dataSource(), dir.resolve("pg"));
      AuditLog audit = new AuditLog(new JdbcTemplate(pg.dataSource()), java.time.Clock.systemUTC());
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          int n = i;
          done.add(pool.submit(() -> audit.recordAs("writer-" + (n % 6), "test.write", "t" + n, null, null)));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      HashChains.Report report = new HashChains(new JdbcTemplate(pg.dataSource())).verify();
      assertTrue(report.intact(), report.toString());
      HashChains.ChainStatus log = report.chains().stream().filter(c -> c.table().equals("audit_event")).findFirst()
          .orElseThrow();
      assertEquals(62, log.entries(), "2 from the scenario and 60 concurrent");

      JdbcClient.create(pg.dataSource()).sql("UPDATE finding_event SET actor = 'mallory' WHERE id ="
          + " (SELECT MIN(id) FROM finding_event)").update();
      assertFalse(new HashChains(new JdbcTemplate(pg.dataSource())).verify().intact());
    }
  }

  /**
   * On H2, {@link HashChains#append} inserts rows already chained, with ids it takes from the
   * identity under the chain's head lock (issue #14: sealing after the insert read back and updated
   * every event). Concurrent appenders extend one unbroken chain with distinct ids, and a row the
   * identity numbers afterwards (here inserted outside aims-monitor) gets an id after theirs.
   */
  @Test
  void concurrentAppendersOnH2ExtendOneChainAndTheIdentityMovesPastTheirIds() throws Exception {
    DataSource data = TestDatabases.h2File(dir.resolve("append"));
    JdbcClient jdbc = JdbcClient.create(data);
    jdbc.sql("INSERT INTO finding (id, rule_id, pack, title, severity, controls, message, subject_type, subject_key,"
        + " status, stale, first_seen, last_seen) VALUES ('f1', 'r', 'p', 't', 'HIGH', 'A.3.2', 'm', 'ModelVersion',"
        + " 'k', 'OPEN', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
    HashChains chains = new HashChains(new JdbcTemplate(data));
    Instant at = Instant.parse("2026-03-01T10:00:00.000000500Z");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        done.add(pool.submit(() -> chains.append(Chain.FINDING_EVENT, java.util.stream.IntStream.range(0, 5)
            .mapToObj(k -> java.util.Map.<String, Object>of("finding_id", "f1", "at", at, "type", "OPENED",
                "actor", "writer-" + n, "detail", "row " + k)).toList())));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    HashChains.ChainStatus events = chains.verify(Chain.FINDING_EVENT);
    assertTrue(events.intact(), events.toString());
    assertEquals(200, events.entries());
    assertEquals(200, jdbc.sql("SELECT COUNT(DISTINCT id) FROM finding_event").query(Long.class).single());
    long last = jdbc.sql("SELECT MAX(id) FROM finding_event").query(Long.class).single();

    jdbc.sql("INSERT INTO finding_event (finding_id, at, type, actor, detail) VALUES ('f1', CURRENT_TIMESTAMP,"
        + " 'RESOLVED', 'someone', 'by hand')").update();
    long byHand = jdbc.sql("SELECT id FROM finding_event WHERE detail = 'by hand'").query(Long.class).single();
    assertTrue(byHand > last, byHand + " after " + last);
    assertEquals(String.valueOf(byHand), chains.verify(Chain.FINDING_EVENT).firstBreak().id());
  }

  private record Run(int exit, String out, String err) {}

  private Run verifyCli(String url) throws Exception {
    // empty rule and connector folders: verify reads only the store, so nothing else needs loading
    Files.createDirectories(dir.resolve("rules"));
    Files.createDirectories(dir.resolve("connectors"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("--spring.datasource.url=" + url, "--aims.data-dir=" + dir.resolve("data"),
            "--aims.rules-dir=" + dir.resolve("rules"), "--aims.connectors-dir=" + dir.resolve("connectors"));
    return new Run(exit, out.toString(), err.toString());
  }
}
