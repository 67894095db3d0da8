package io.aimsmonitor.connector.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.demo.DemoMlflowServer;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.FaultServer;
import io.aimsmonitor.testing.FaultServer.Fault;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault suite: a real connector (mlflow) against servers that misbehave in every way the
 * issue lists, collected in the same cycle as a second mlflow instance reading a healthy server
 * (the bundled demo registry), then evaluated through the same {@link MonitorService} the scheduler
 * uses. For each fault:
 * <ul>
 *   <li>the faulty run fails with a clear reason that names the connector, within the run's budget,
 *       stores no facts and sends no credential anywhere it should not;</li>
 *   <li>the faulty source's last good snapshot stays in force;</li>
 *   <li>its finding stays open and is marked stale, never resolved;</li>
 *   <li>the healthy instance, collected while the faulty one is in flight, succeeds and is fresh:
 *       its findings are not stale and the evaluation names only the faulty source.</li>
 * </ul>
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FaultSuiteTest {

  /** Per-read timeout 1 s, run budget 4 s, 2 retries: every fault below would otherwise last minutes or forever. */
  static final HttpSettings HTTP = new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4),
      2, 2, 100, null, null);
  static final String TOKEN = "fault-suite-token-3f9a";
  static final String FAULTY = "mlflow-faulty";
  static final String HEALTHY = "mlflow-healthy";
  /** Every model version is a finding: enough to see which findings are stale and which fresh. */
  static final String PACK = """
      package test.faults;
      import io.aimsmonitor.fact.ModelVersion;
      global io.aimsmonitor.rules.Violations violations;
      rule "test.model-version-seen"
        @control("A.6.2.6") @severity("low") @title("Model version seen") @remediation("None: a probe.")
      when
        $m : ModelVersion()
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " v" + $m.version() + " seen.", "stage", $m.stage());
      end
      """;
  static final String FAULTY_FINDING = Finding.idOf("test.model-version-seen", FAULTY + ":m/1");

  static DemoMlflowServer healthyServer;
  static RuleBook ruleBook;

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  @BeforeAll
  static void startHealthyServerAndLoadPack() throws Exception {
    healthyServer = DemoMlflowServer.start(0);
    Path pack = Files.createDirectories(shared.resolve("rules/faults"));
    Files.writeString(pack.resolve("pack.yaml"), "name: faults\ndescription: fault suite probe\n");
    Files.writeString(pack.resolve("rules.drl"), PACK);
    ruleBook = new RuleBook(shared.resolve("rules"), new RulePackLoader(ControlCatalog.bundled()), Map.of(),
        Clock.systemUTC());
    assertThat(ruleBook.reload().rejected()).isEmpty();
  }

  @AfterAll
  static void stopHealthyServer() {
    healthyServer.close();
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(Fault.SLOW_RESPONSE, "timeout", "Timeout"),
        Arguments.of(Fault.HANGING, "timeout", "Timeout"),
        Arguments.of(Fault.SLOW_DRIP, "timeout", "run exceeded http.runTimeout"),
        Arguments.of(Fault.RESET, "connection", "cannot reach"),
        Arguments.of(Fault.STATUS_500, "http_5xx", "HTTP 500"),
        Arguments.of(Fault.STATUS_502, "http_5xx", "HTTP 502"),
        Arguments.of(Fault.STATUS_503, "http_5xx", "HTTP 503"),
        Arguments.of(Fault.RATE_LIMITED_LONG, "rate_limited", "would pass the run's deadline"),
        Arguments.of(Fault.TRUNCATED, "connection", "cannot reach"),
        Arguments.of(Fault.WRONG_CONTENT_TYPE, "malformed", "content-type text/html"),
        Arguments.of(Fault.HUGE_STREAMED, "too_large", "larger than http.maxResponseBytes"),
        Arguments.of(Fault.HUGE_DECLARED, "too_large", "declares 209715200 bytes"),
        Arguments.of(Fault.REDIRECT_LOOP, "redirect_loop", "redirect loop"),
        Arguments.of(Fault.REDIRECT_ELSEWHERE, "auth", "credentials are never sent to another host"),
        Arguments.of(null, "connection", "aims-fault.invalid"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("faults")
  void eachFaultFailsOnlyItsSourceWithAClearReasonWithinBudgetKeepingItsSnapshotAndItsFindingsStale(Fault fault,
      String reason, String says) throws Exception {
    try (FaultServer server = fault == null ? null : new FaultServer(fault);
        FaultServer elsewhere = new FaultServer(Fault.UNAUTHORIZED)) {
      URI base = server == null ? URI.create("http://aims-fault.invalid") : server.baseUri();
      if (fault == Fault.REDIRECT_ELSEWHERE) {
        // "localhost" is another origin than "127.0.0.1": a different host for the credentials rule
        server.redirectTo(URI.create("http://localhost:" + elsewhere.baseUri().getPort()));
      }
      TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
      ConnectorConfig faulty = new ConnectorConfig(FAULTY, "mlflow", base,
          new AuthConfig("bearer", new SecretRef("FAULT_TOKEN", null), null, null, null), "0 */15 * * * ?",
          Duration.ofMinutes(15), Duration.ofDays(1), true, HTTP, Map.of(), Path.of("connectors/mlflow-faulty.yaml"));
      ConnectorConfig healthy = new ConnectorConfig(HEALTHY, "mlflow", healthyServer.baseUrl(), AuthConfig.NONE,
          "0 */15 * * * ?", Duration.ofMinutes(15), Duration.ofDays(1), true, HTTP, Map.of(),
          Path.of("connectors/mlflow-healthy.yaml"));
      ConnectorTypes types = ConnectorTypes.discover();
      MonitorService monitor = new MonitorService(new ConnectorInstances(dir, List.of(faulty, healthy), types),
          new CollectionRunner(types, new Secrets(Map.of("FAULT_TOKEN", TOKEN)), Clock.systemUTC()),
          store.snapshots(), ruleBook, new Evaluator(), new Reconciler(), store.findings(), store.evaluations(),
          UnaryOperator.identity(), Clock.systemUTC());

      // Before the fault: the faulty source had a good run, and its model version is a finding.
      long lastGood = store.snapshots().record(good(faulty), "mlflow");
      monitor.evaluate();
      assertThat(store.findings().get(FAULTY_FINDING).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);

      // One cycle: the faulty instance runs; while it is in flight, the healthy one is collected.
      CompletableFuture<CollectionResult> faultyRun = CompletableFuture.supplyAsync(() -> monitor.collect(FAULTY, () -> false));
      awaitFirstRequest(server, faultyRun);
      CollectionResult healthyRun = monitor.collect(HEALTHY, () -> false);
      CollectionResult result = faultyRun.get(1, TimeUnit.MINUTES);
      monitor.evaluate();

      // the faulty run: a clear reason, bounded, no facts, the last good snapshot kept
      assertThat(result.succeeded()).isFalse();
      assertThat(result.errorReason()).as(result.error()).isEqualTo(reason);
      assertThat(result.error()).contains(FAULTY).contains(says).doesNotContain(TOKEN);
      assertThat(result.facts()).isEmpty();
      // bounded: the run budget plus one per-read timeout and the time to close, never the fault's own pace
      assertThat(result.duration()).isLessThan(HTTP.runTimeout().plus(Duration.ofSeconds(10)));
      assertThat(store.snapshots().latestGood(FAULTY).orElseThrow().runId()).isEqualTo(lastGood);
      assertThat(store.snapshots().history(FAULTY, 1).get(0).errorReason()).isEqualTo(reason);

      // its finding: still open, stale, never resolved
      Finding held = store.findings().get(FAULTY_FINDING).orElseThrow();
      assertThat(held.status()).isEqualTo(Finding.Status.OPEN);
      assertThat(held.stale()).isTrue();
      assertThat(store.findings().history(FAULTY_FINDING)).extracting(FindingEvent::type)
          .contains(FindingEvent.Type.STALE).doesNotContain(FindingEvent.Type.RESOLVED);

      // the other connector: collected in the same cycle, fresh, its findings decided on fresh evidence
      assertThat(healthyRun.succeeded()).as(healthyRun.error()).isTrue();
      assertThat(healthyRun.facts()).isNotEmpty();
      assertThat(store.snapshots().latestGood(HEALTHY)).isPresent();
      assertThat(store.evaluations().staleness()).containsKey(FAULTY).doesNotContainKey(HEALTHY);
      List<Finding> healthyFindings = store.findings().list(FindingRepository.Query.all()).items().stream()
          .filter(f -> f.subject().key().startsWith(HEALTHY + ":")).toList();
      assertThat(healthyFindings).isNotEmpty().allSatisfy(f -> {
        assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
        assertThat(f.stale()).as(f.subject().key()).isFalse();
      });

      if (fault == Fault.REDIRECT_ELSEWHERE) {
        assertThat(elsewhere.requests()).isNotEmpty()
            .allSatisfy(head -> assertThat(head.toLowerCase()).doesNotContain("authorization").doesNotContain(TOKEN));
        assertThat(server.requests().get(0)).contains("Bearer " + TOKEN);
      }
    }
  }

  /**
   * Waits until the faulty server has the run's first request (so the healthy collection really
   * overlaps it), or the run has already ended (an unresolvable host sends nothing).
   */
  private static void awaitFirstRequest(FaultServer server, CompletableFuture<?> run) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((server == null || server.requests().isEmpty()) && !run.isDone() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
  }

  private static CollectionResult good(ConnectorConfig config) {
    Instant t = Instant.now().minus(Duration.ofMinutes(20));
    return new CollectionResult(config.id(), t, t.plusSeconds(1), true, FactJson.readList("""
        [{"kind":"ModelVersion","source":"mlflow-faulty","registry":"mlflow","modelName":"m","version":"1",
          "stage":"Production","owners":["a"]}]"""), null, null, 1, 0);
  }
}
