package io.aimsmonitor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** One instance on H2: retries with backoff, giving up, a hanging receiver, and the signature's replay protection. */
class NotificationDeliveryTest extends NotificationScenario {

  @TempDir
  Path dir;

  private static List<Receiver> one(TestReceiver http) {
    return List.of(new Receiver("ops", Receiver.WEBHOOK, http.url("/ops"), SECRET, Set.of(NotificationEvent.NEW_FINDING),
        Severity.CRITICAL, Set.of(), Set.of(), List.of(), Set.of()));
  }

  @Test
  void aFailingReceiverIsRetriedWithBackoffUntilItAccepts() throws Exception {
    DataSource ds = TestDatabases.h2File(dir);
    TestStore store = TestStore.on(ds);
    MutableClock clock = clock();
    try (TestReceiver http = new TestReceiver(SECRET, clock);
         NotificationDispatcher d = dispatcher(ds, store.findings(), one(http), null, clock, "solo", 5)) {
      seed(store, ds);
      http.failFirst = 2;
      await(d.runOnce());
      assertThat(http.requests.get()).isEqualTo(1);
      assertThat(d.runOnce()).as("not due before the backoff").isEmpty();
      clock.advance(Duration.ofSeconds(31));
      await(d.runOnce());
      assertThat(http.requests.get()).isEqualTo(2);
      clock.advance(Duration.ofSeconds(31));
      assertThat(d.runOnce()).as("the second backoff is twice the first").isEmpty();
      clock.advance(Duration.ofSeconds(30));
      await(d.runOnce());
      assertThat(http.accepted).hasSize(1);
      Map<String, Object> row = JdbcClient.create(ds).sql("SELECT status, attempts FROM notification_delivery").query()
          .singleRow();
      assertThat(row.get("STATUS")).isEqualTo("SENT");
      assertThat(((Number) row.get("ATTEMPTS")).intValue()).isEqualTo(3);
      clock.advance(Duration.ofHours(2));
      assertThat(d.runOnce()).as("sent once, never again").isEmpty();
    }
  }

  @Test
  void aReceiverThatNeverAcceptsIsGivenUpOn() throws Exception {
    DataSource ds = TestDatabases.h2File(dir);
    TestStore store = TestStore.on(ds);
    MutableClock clock = clock();
    try (TestReceiver http = new TestReceiver(SECRET, clock);
         NotificationDispatcher d = dispatcher(ds, store.findings(), one(http), null, clock, "solo", 3)) {
      seed(store, ds);
      http.failFirst = 100;
      for (int i = 0; i < 5; i++) {
        await(d.runOnce());
        clock.advance(Duration.ofMinutes(10));
      }
      assertThat(http.requests.get()).isEqualTo(3);
      assertThat(count(ds, "FAILED")).isEqualTo(1);
      assertThat(JdbcClient.create(ds).sql("SELECT last_error FROM notification_delivery").query(String.class).single())
          .isEqualTo("HTTP 500");
    }
  }

  @Test
  void aHangingReceiverBlocksNeitherPlanningNorTheCaller() throws Exception {
    DataSource ds = TestDatabases.h2File(dir);
    TestStore store = TestStore.on(ds);
    MutableClock clock = clock();
    try (TestReceiver http = new TestReceiver(SECRET, clock);
         NotificationDispatcher d = dispatcher(ds, store.findings(), receivers(http), null, clock, "solo", 5)) {
      http.hang = new CountDownLatch(1);
      seed(store, ds);
      List<Future<?>> sends = d.runOnce();
      assertThat(sends).isNotEmpty();
      assertThat(sends).as("the sends hang on the receiver's threads, not the caller's").anyMatch(f -> !f.isDone());
      // new findings are still planned while the senders are stuck
      store.findings().apply(new io.aimsmonitor.finding.Reconciler.Result(
          List.of(finding("late", Severity.CRITICAL, List.of())), List.of(), T0, List.of(new io.aimsmonitor.finding
          .FindingEvent(finding("late", Severity.CRITICAL, List.of()).id(), T0, io.aimsmonitor.finding.FindingEvent.Type
          .OPENED, "system", "")), java.util.Map.of()));
      List<Future<?>> late = d.runOnce();
      assertThat(JdbcClient.create(ds).sql("SELECT COUNT(*) FROM notification_delivery WHERE payload LIKE '%late%'")
          .query(Long.class).single()).isEqualTo(1);
      http.hang.countDown();
      await(sends);
      await(late);
    }
  }

  @Test
  void theSignatureCoversTheTimestamp() {
    byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
    String header = Signature.sign(SECRET, 1_000, body);
    assertThat(Signature.verify(SECRET, 1_000, body, header)).isTrue();
    assertThat(Signature.verify(SECRET, 1_001, body, header)).as("a replay with a new timestamp").isFalse();
    assertThat(Signature.verify("another-secret-of-length".getBytes(StandardCharsets.UTF_8), 1_000, body, header)).isFalse();
    assertThat(Signature.verify(SECRET, 1_000, "{\"id\":2}".getBytes(StandardCharsets.UTF_8), header)).isFalse();
  }

  /** Receivers of waiver notices: alice's (owner of the fraud finding), bob's (owns nothing waived), a chat on A.3.*. */
  static List<Receiver> waiverReceivers(TestReceiver http) {
    Set<String> expiring = Set.of(NotificationEvent.WAIVER_EXPIRING);
    return List.of(
        new Receiver("alice", Receiver.WEBHOOK, http.url("/alice"), SECRET, expiring, null, Set.of("alice"), Set.of(),
            List.of(), Set.of()),
        new Receiver("bob", Receiver.WEBHOOK, http.url("/bob"), SECRET, expiring, null, Set.of("bob"), Set.of(), List.of(),
            Set.of()),
        new Receiver("chat", Receiver.SLACK, http.url("/slack"), null, expiring, null, Set.of(), Set.of(), List.of("A.3.*"),
            Set.of()));
  }

  @Test
  void aWaiverInForceIsAnnouncedOncePerLeadTimeBeforeItExpires() throws Exception {
    DataSource ds = TestDatabases.h2File(dir);
    TestStore store = TestStore.on(ds);
    MutableClock clock = clock();
    seed(store, ds);
    List<io.aimsmonitor.finding.Waiver> waivers = waivers(ds);
    var notices = new NotificationPlanner.WaiverNotices(() -> waivers, List.of(Duration.ofDays(1), Duration.ofDays(14)));
    try (TestReceiver http = new TestReceiver(SECRET, clock);
         NotificationDispatcher d = dispatcher(ds, store.findings(), waiverReceivers(http), null, notices, clock, "solo", 5)) {
      await(d.runOnce());
      assertThat(http.requests.get()).as("20 days before expiry: nothing yet").isZero();

      clock.advance(Duration.ofDays(6).plusHours(1)); // 13 days 23 hours left
      for (int i = 0; i < 3; i++) {
        await(d.runOnce());
        clock.advance(Duration.ofMinutes(5));
      }
      assertThat(http.accepted.stream().map(TestReceiver.Delivery::path)).as("once, not every poll")
          .containsExactlyInAnyOrder("/alice", "/slack");
      TestReceiver.Delivery first = http.accepted.stream().filter(x -> x.path().equals("/alice")).findFirst().orElseThrow();
      assertThat(first.event()).isEqualTo("waiver.expiring");
      var body = tools.jackson.databind.json.JsonMapper.builder().build().readTree(first.body());
      assertThat(body.get("waiver").get("id").asString()).isEqualTo("W-00000000000a");
      assertThat(body.get("waiver").get("approvedBy").asString()).isEqualTo("bob");
      assertThat(body.get("leadTime").asString()).isEqualTo("PT336H");
      assertThat(body.get("daysLeft").asLong()).isEqualTo(13);
      assertThat(body.get("coveredFindings").asInt()).isEqualTo(1);
      assertThat(body.get("findings").get(0).get("id").asString()).isEqualTo(finding("fraud", Severity.HIGH, List.of()).id());
      assertThat(http.accepted.stream().filter(x -> x.path().equals("/slack")).findFirst().orElseThrow().body())
          .contains("W-00000000000a").contains("in 13 days").contains("risk register");

      clock.advance(Duration.ofDays(13).plusHours(1)); // 22 hours left: the 1-day notice
      await(d.runOnce());
      await(d.runOnce());
      assertThat(http.accepted).hasSize(4);
      assertThat(http.accepted.stream().filter(x -> x.path().equals("/alice")).toList().get(1).body())
          .contains("\"leadTime\":\"PT24H\"").contains("\"daysLeft\":0");

      clock.advance(Duration.ofDays(1)); // expired: nothing more
      await(d.runOnce());
      assertThat(http.accepted).hasSize(4);
      assertThat(http.accepted).as("the pending and the revoked waiver are never announced")
          .noneMatch(x -> x.body().contains("W-00000000000b") || x.body().contains("W-00000000000c"));
      assertThat(http.rejectedSignatures.get()).isZero();
    }
  }
}
