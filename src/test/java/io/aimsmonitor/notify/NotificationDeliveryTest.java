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
}
