package io.aimsmonitor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.export.WaiverLookup;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.ControlAssessment.ControlState;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.ReviewRepository;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Shared set-up of the notification tests: findings, a failed run, control states, receivers and dispatchers. */
class NotificationScenario {

  static final byte[] SECRET = "a-test-secret-of-enough-length".getBytes(StandardCharsets.UTF_8);
  static final Instant T0 = Instant.parse("2026-11-03T08:00:00Z");

  static Finding finding(String name, Severity severity, List<String> owners) {
    String key = "mlflow-prod:" + name + "/1";
    return new Finding(Finding.idOf("lifecycle.owner", key), "lifecycle.owner", "aims-lifecycle", "Has an owner", severity,
        List.of("A.3.2"), "Model " + name + " v1 has no owner.", "Set one.", new Subject("ModelVersion", key, name, null),
        Map.of("source", "mlflow-prod", "snapshot", 1L), Finding.Status.OPEN, false, T0, T0, null, owners);
  }

  /** Three new findings (high for alice, critical for bob, medium for alice) and a connector run that failed after a good one. */
  static void seed(TestStore store, DataSource ds) {
    List<Finding> findings = List.of(finding("fraud", Severity.HIGH, List.of("alice")),
        finding("churn", Severity.CRITICAL, List.of("bob")), finding("ltv", Severity.MEDIUM, List.of("alice")));
    store.findings().apply(new Reconciler.Result(findings, List.of(), T0, findings.stream()
        .map(f -> new FindingEvent(f.id(), T0, FindingEvent.Type.OPENED, FindingEvent.SYSTEM, f.message())).toList(), java.util.Map.of()));
    JdbcClient jdbc = JdbcClient.create(ds);
    for (String status : List.of("SUCCEEDED", "FAILED", "FAILED")) {
      jdbc.sql("INSERT INTO connector_run (connector_id, connector_type, started_at, finished_at, status, error)"
              + " VALUES ('mlflow-prod', 'mlflow', :t, :t, :s, :e)")
          .param("t", T0.atOffset(ZoneOffset.UTC)).param("s", status)
          .param("e", status.equals("FAILED") ? "HTTP 503 from https://mlflow.example.com" : null).update();
    }
  }

  /** A.3.2 compliant at first, then not: one drift. */
  static Supplier<List<ControlState>> controls(AtomicReference<ControlAssessment.Status> a32) {
    ControlCatalog catalog = ControlCatalog.bundled();
    return () -> List.of(new ControlState(catalog.find("A.3.2").orElseThrow(), a32.get(), List.of("lifecycle.owner"),
        new ControlAssessment.OpenCounts(a32.get() == ControlAssessment.Status.COMPLIANT ? 0 : 2, 0)));
  }

  static List<Receiver> receivers(TestReceiver http) {
    return List.of(
        new Receiver("everything", Receiver.WEBHOOK, http.url("/all"), SECRET, Set.of(), null, Set.of(), Set.of(), List.of(),
            Set.of()),
        new Receiver("alice-high", Receiver.WEBHOOK, http.url("/alice"), SECRET, Set.of(NotificationEvent.NEW_FINDING),
            Severity.HIGH, Set.of("alice"), Set.of(), List.of(), Set.of()),
        new Receiver("risk-team", Receiver.WEBHOOK, http.url("/risk"), SECRET, Set.of(NotificationEvent.NEW_FINDING),
            null, Set.of(), Set.of("risk"), List.of(), Set.of()),
        new Receiver("chat", Receiver.SLACK, http.url("/slack"), null, Set.of(NotificationEvent.CONTROL_DRIFT), null,
            Set.of(), Set.of(), List.of("A.3.*"), Set.of()));
  }

  static NotificationDispatcher dispatcher(DataSource ds, FindingRepository findings, List<Receiver> receivers,
      Supplier<List<ControlState>> controls, Clock clock, String instance, int maxAttempts) {
    return dispatcher(ds, findings, receivers, controls, null, clock, instance, maxAttempts);
  }

  static NotificationDispatcher dispatcher(DataSource ds, FindingRepository findings, List<Receiver> receivers,
      Supplier<List<ControlState>> controls, NotificationPlanner.WaiverNotices waivers, Clock clock, String instance,
      int maxAttempts) {
    JdbcClient jdbc = JdbcClient.create(ds);
    NotificationPlanner planner = new NotificationPlanner(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)),
        receivers, Map.of("risk", List.of("bob", "carol")), findings,
        new Exporter(WaiverLookup.NONE, "https://aims.example.com", "test", clock), controls, waivers, clock);
    return new NotificationDispatcher(jdbc, planner, receivers, new NotificationDispatcher.Settings(Duration.ofMillis(50), 2,
        10, Duration.ofSeconds(20), maxAttempts, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(2)),
        clock, instance);
  }

  /**
   * A rule waiver over every version of "fraud" (in force, approved by bob, ending 20 days after T0)
   * recorded as covering the fraud finding, a pending one and a revoked one, which must never be announced.
   */
  static List<Waiver> waivers(DataSource ds) {
    Instant expires = T0.plus(Duration.ofDays(20));
    Waiver inForce = new Waiver("W-00000000000a", Waiver.Scope.RULE, null, "lifecycle.owner", "mlflow-prod:fraud/*",
        "Owner named in the risk register until the registry migration.", "alice", T0, "bob", T0, expires, null, null, null);
    Waiver pending = new Waiver("W-00000000000b", Waiver.Scope.RULE, null, "lifecycle.owner", "mlflow-prod:churn/*",
        "Awaiting a second reviewer.", "alice", T0, null, null, expires, null, null, null);
    Waiver revoked = inForce.revoked("carol", T0, "withdrawn");
    revoked = new Waiver("W-00000000000c", revoked.scope(), null, revoked.ruleId(), "mlflow-prod:ltv/*",
        revoked.justification(), "alice", T0, "bob", T0, expires, "carol", T0, "withdrawn");
    new ReviewRepository(JdbcClient.create(ds), new JdbcTemplate(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)))
        .insertRows(List.of(ReviewRepository.WorkflowRow.empty(finding("fraud", Severity.HIGH, List.of()).id())
            .withWaiver(inForce.id())));
    return List.of(inForce, pending, revoked);
  }

  static void await(List<Future<?>> sends) throws Exception {
    for (Future<?> f : sends) {
      f.get();
    }
  }

  static long count(DataSource ds, String status) {
    return JdbcClient.create(ds).sql("SELECT COUNT(*) FROM notification_delivery WHERE status = :s").param("s", status)
        .query(Long.class).single();
  }

  static MutableClock clock() {
    return new MutableClock(T0);
  }
}
