package io.aimsmonitor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two service instances (two dispatchers, each with its own connections, poller and senders) on one
 * real PostgreSQL database, planning and sending at the same time: each notification reaches each
 * receiver it is routed to exactly once, signed.
 */
@RequiresPostgres
class NotificationsPostgresTest extends NotificationScenario {

  @Test
  void twoInstancesSendEachNotificationOnce() throws Exception {
    try (var db = TestDatabases.postgres(); TestReceiver http = new TestReceiver(SECRET, clock())) {
      PGSimpleDataSource first = db.dataSource();
      PGSimpleDataSource second = new PGSimpleDataSource();
      second.setURL(first.getURL());
      second.setCurrentSchema(db.schema());
      TestStore store = TestStore.on(first);
      AtomicReference<ControlAssessment.Status> a32 = new AtomicReference<>(ControlAssessment.Status.COMPLIANT);
      MutableClock clock = clock();
      List<Receiver> receivers = receivers(http);
      try (NotificationDispatcher one = dispatcher(first, store.findings(), receivers, controls(a32), clock, "one", 5);
           NotificationDispatcher two = dispatcher(second, TestStore.on(second).findings(), receivers, controls(a32), clock,
               "two", 5)) {
        one.runOnce(); // records A.3.2 as compliant
        seed(store, first);
        a32.set(ControlAssessment.Status.NON_COMPLIANT);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
          for (int round = 0; round < 5; round++) {
            List<Callable<List<Future<?>>>> ticks = List.of(one::runOnce, two::runOnce);
            for (Future<List<Future<?>>> tick : replicas.invokeAll(ticks)) {
              await(tick.get());
            }
          }
        } finally {
          replicas.shutdownNow();
        }
      }
      // everything: 2 new high/critical findings, 1 connector failure (the second failure in a row is not news),
      // 1 drift; alice-high: 1; risk-team (bob is a member): 1; chat (Slack, A.3.*): the drift
      assertThat(count(first, "SENT")).isEqualTo(7);
      assertThat(count(first, "PENDING") + count(first, "FAILED")).isZero();
      assertThat(http.rejectedSignatures.get()).isZero();
      assertThat(http.accepted).hasSize(7);
      List<String> ids = new ArrayList<>();
      http.accepted.stream().filter(d -> d.deliveryId() != null).forEach(d -> ids.add(d.deliveryId()));
      assertThat(new HashSet<>(ids)).as("no delivery twice").hasSameSizeAs(ids).hasSize(6);
      assertThat(http.accepted.stream().filter(d -> d.path().equals("/all")).map(TestReceiver.Delivery::event))
          .containsExactlyInAnyOrder("finding.new", "finding.new", "connector.failed", "control.drift");
      assertThat(http.accepted.stream().filter(d -> d.path().equals("/alice")).toList()).hasSize(1);
      JsonNode alice = JsonMapper.builder().build().readTree(
          http.accepted.stream().filter(d -> d.path().equals("/alice")).findFirst().orElseThrow().body());
      assertThat(alice.get("finding").get("owners").get(0).asString()).isEqualTo("alice");
      assertThat(alice.get("finding").get("severity").asString()).isEqualTo("high");
      assertThat(alice.get("finding").get("links").get("finding").asString()).startsWith("https://aims.example.com/api/findings/");
      assertThat(http.accepted.stream().filter(d -> d.path().equals("/slack")).findFirst().orElseThrow().body())
          .contains("\"text\"").contains("A.3.2");
    }
  }

  /**
   * Two instances that start 12 hours before a waiver expires, with lead times of 14 days and 1 day:
   * each receiver gets the 1-day notice once (not the 14-day one as well), however many polls run.
   */
  @Test
  void twoInstancesAnnounceAnExpiringWaiverOnce() throws Exception {
    try (var db = TestDatabases.postgres()) {
      PGSimpleDataSource first = db.dataSource();
      PGSimpleDataSource second = new PGSimpleDataSource();
      second.setURL(first.getURL());
      second.setCurrentSchema(db.schema());
      TestStore store = TestStore.on(first);
      seed(store, first);
      List<io.aimsmonitor.finding.Waiver> waivers = waivers(first);
      MutableClock clock = clock();
      clock.advance(java.time.Duration.ofDays(19).plusHours(12));
      var notices = new NotificationPlanner.WaiverNotices(() -> waivers,
          List.of(java.time.Duration.ofDays(14), java.time.Duration.ofDays(1)));
      try (TestReceiver http = new TestReceiver(SECRET, clock)) {
        List<Receiver> receivers = NotificationDeliveryTest.waiverReceivers(http);
        try (NotificationDispatcher one = dispatcher(first, store.findings(), receivers, null, notices, clock, "one", 5);
             NotificationDispatcher two = dispatcher(second, TestStore.on(second).findings(), receivers, null, notices,
                 clock, "two", 5)) {
          ExecutorService replicas = Executors.newFixedThreadPool(2);
          try {
            for (int round = 0; round < 4; round++) {
              for (Future<List<Future<?>>> tick : replicas.invokeAll(List.<Callable<List<Future<?>>>>of(one::runOnce,
                  two::runOnce))) {
                await(tick.get());
              }
            }
          } finally {
            replicas.shutdownNow();
          }
        }
        assertThat(http.accepted.stream().map(TestReceiver.Delivery::path)).containsExactlyInAnyOrder("/alice", "/slack");
        assertThat(http.accepted.stream().filter(d -> d.path().equals("/alice")).findFirst().orElseThrow().body())
            .contains("PT24H");
        assertThat(http.accepted.stream().filter(d -> d.path().equals("/slack")).findFirst().orElseThrow().body())
            .contains("in 12 hours");
        assertThat(count(first, "SENT")).isEqualTo(2);
      }
    }
  }
}
