package io.aimsmonitor.connector.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.FactJson;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault suite: a real connector (mlflow) against servers that misbehave in every way the
 * issue lists. Each fault ends the run with a clear reason within the run's budget, stores a
 * failed run with no facts, and leaves the source's last good snapshot in force (so evaluation
 * marks its findings stale instead of resolving them, see FindingLifecycleScenario).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FaultSuiteTest {

  /** Per-read timeout 1 s, run budget 4 s, 2 retries: every fault below would otherwise last minutes or forever. */
  static final HttpSettings HTTP = new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4),
      2, 2, 100, null, null);
  static final String TOKEN = "fault-suite-token-3f9a";

  @TempDir
  Path dir;

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
  void eachFaultFailsTheRunWithAClearReasonWithinBudgetAndKeepsTheLastGoodSnapshot(Fault fault, String reason,
      String says) throws Exception {
    try (FaultServer server = fault == null ? null : new FaultServer(fault);
        FaultServer elsewhere = new FaultServer(Fault.UNAUTHORIZED)) {
      URI base = server == null ? URI.create("http://aims-fault.invalid") : server.baseUri();
      if (fault == Fault.REDIRECT_ELSEWHERE) {
        // "localhost" is another origin than "127.0.0.1": a different host for the credentials rule
        server.redirectTo(URI.create("http://localhost:" + elsewhere.baseUri().getPort()));
      }
      TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
      ConnectorConfig config = new ConnectorConfig("mlflow-faulty", "mlflow", base,
          new AuthConfig("bearer", new SecretRef("FAULT_TOKEN", null), null, null, null), "0 */15 * * * ?",
          Duration.ofMinutes(15), Duration.ofDays(1), true, HTTP, Map.of(), Path.of("connectors/mlflow-faulty.yaml"));
      long lastGood = store.snapshots().record(good(config), "mlflow");

      CollectionRunner runner = new CollectionRunner(ConnectorTypes.discover(),
          new Secrets(Map.of("FAULT_TOKEN", TOKEN)), Clock.systemUTC());
      CollectionResult result = runner.run(config, List.of(), true, () -> false);
      store.snapshots().record(result, "mlflow");

      assertThat(result.succeeded()).isFalse();
      assertThat(result.errorReason()).as(result.error()).isEqualTo(reason);
      assertThat(result.error()).contains("mlflow-faulty").contains(says).doesNotContain(TOKEN);
      assertThat(result.facts()).isEmpty();
      // bounded: the run budget plus one per-read timeout and the time to close, never the fault's own pace
      assertThat(result.duration()).isLessThan(HTTP.runTimeout().plus(Duration.ofSeconds(10)));
      assertThat(store.snapshots().latestGood("mlflow-faulty").orElseThrow().runId()).isEqualTo(lastGood);
      assertThat(store.snapshots().history("mlflow-faulty", 1).get(0).errorReason()).isEqualTo(reason);
      if (fault == Fault.REDIRECT_ELSEWHERE) {
        assertThat(elsewhere.requests()).isNotEmpty()
            .allSatisfy(head -> assertThat(head.toLowerCase()).doesNotContain("authorization").doesNotContain(TOKEN));
        assertThat(server.requests().get(0)).contains("Bearer " + TOKEN);
      }
    }
  }

  private static CollectionResult good(ConnectorConfig config) {
    Instant t = Instant.now().minus(Duration.ofMinutes(20));
    return new CollectionResult(config.id(), t, t.plusSeconds(1), true, FactJson.readList("""
        [{"kind":"ModelVersion","source":"mlflow-faulty","registry":"mlflow","modelName":"m","version":"1",
          "stage":"Production","owners":["a"]}]"""), null, null, 1, 0);
  }
}
