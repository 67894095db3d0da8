package io.aimsmonitor.connector.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The rate-limit scenario end to end, through the product's {@link CollectionRunner} (real
 * clock, real sleeps) and the snapshot store: GitHub answers 403 with {@code x-ratelimit-remaining: 0}
 * and a reset time. A reset within the run's budget is waited out (a log line, and the run's
 * rate-limit wait count behind {@code aims_connector_last_run_rate_limit_waits}) and the run
 * completes; a reset after the budget stops the run at once with a clear error, and the last good
 * snapshot stays the one evaluation reads.
 */
class GithubRateLimitBudgetTest {

  private static final String RUNS = "/repos/acme/credit-risk/actions/runs";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger runnerLog = (Logger) LoggerFactory.getLogger(CollectionRunner.class);
  private ch.qos.logback.classic.Level levelBefore;

  @BeforeEach
  void captureLogs() {
    // the service logs at INFO; an in-process CLI command run earlier in this JVM (scan, verify)
    // may have left io.aimsmonitor at WARN, so the level the service runs with is set here
    levelBefore = runnerLog.getLevel();
    runnerLog.setLevel(ch.qos.logback.classic.Level.INFO);
    logs.start();
    runnerLog.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    runnerLog.detachAppender(logs);
    runnerLog.setLevel(levelBefore);
  }

  private ConnectorConfig config() {
    return RegistryTestSupport.config("github-budget", "github-actions", server.baseUrl(),
        RegistryTestSupport.bearer("GITHUB_TOKEN"), Map.of("repositories", List.of("acme/credit-risk")));
  }

  private CollectionResult collect(SnapshotRepository snapshots) {
    CollectionRunner runner = new CollectionRunner(ConnectorTypes.discover(),
        new Secrets(Map.of("GITHUB_TOKEN", "ghp_" + "budgetTestToken0123456789")), Clock.systemUTC());
    ConnectorConfig config = config();
    List<io.aimsmonitor.fact.Fact> previous = snapshots.latestGood(config.id()).map(FactSnapshot::facts).orElse(List.of());
    CollectionResult result = runner.run(config, previous, previous.isEmpty(), () -> false);
    snapshots.record(result, config.type());
    return result;
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder exhausted(long resetEpoch) {
    return aResponse().withStatus(403).withHeader("Content-Type", "application/json")
        .withHeader("x-ratelimit-limit", "5000").withHeader("x-ratelimit-remaining", "0")
        .withHeader("x-ratelimit-used", "5000").withHeader("x-ratelimit-resource", "core")
        .withHeader("x-ratelimit-reset", String.valueOf(resetEpoch))
        .withBody("{\"message\":\"API rate limit exceeded for user ID 1.\","
            + "\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}");
  }

  @Test
  void aResetWithinTheBudgetIsWaitedOutVisiblyAndTheRunCompletes(@TempDir Path dir) {
    SnapshotRepository snapshots = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    long reset = Instant.now().getEpochSecond() + 2;
    server.stubFor(get(urlPathEqualTo(RUNS)).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("reset").willReturn(exhausted(reset)));
    server.stubFor(get(urlPathEqualTo(RUNS)).inScenario("limit").whenScenarioStateIs("reset")
        .willReturn(okJson(resource("connector/github/runs-page2.json"))));

    CollectionResult result = collect(snapshots);

    assertTrue(result.succeeded(), result.error());
    assertEquals(1, result.facts().size());
    assertEquals(1, result.rateLimitWaits(), "exported as aims_connector_last_run_rate_limit_waits");
    assertEquals(1, snapshots.states().get("github-budget").lastRun().orElseThrow().rateLimitWaits());
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage()
        .startsWith("connector 'github-budget': rate limited, waiting")), "a visible log line for the wait");
    assertTrue(Instant.now().getEpochSecond() >= reset, "the retry went out only after the reset");
  }

  @Test
  void aResetAfterTheBudgetStopsTheRunCleanlyAndTheLastGoodSnapshotStays(@TempDir Path dir) {
    SnapshotRepository snapshots = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    server.stubFor(get(urlPathEqualTo(RUNS)).willReturn(okJson(resource("connector/github/runs-page2.json"))));
    CollectionResult good = collect(snapshots);
    assertTrue(good.succeeded(), good.error());
    long goodRun = snapshots.latestGood("github-budget").orElseThrow().runId();

    // an hour to the reset; the run's budget (http.runTimeout) is one minute
    server.stubFor(get(urlPathEqualTo(RUNS)).willReturn(exhausted(Instant.now().getEpochSecond() + 3600)));
    server.resetRequests();
    CollectionResult stopped = collect(snapshots);

    assertFalse(stopped.succeeded());
    assertEquals("rate_limited", stopped.errorReason());
    assertTrue(stopped.error().contains("after the run's budget ends (http.runTimeout PT1M")
        && stopped.error().contains("x-ratelimit-remaining: 0"), stopped.error());
    // stopped at the first refusal: no retry, no wait
    server.verify(1, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(RUNS)));
    assertEquals(0, stopped.rateLimitWaits());
    FactSnapshot latest = snapshots.latestGood("github-budget").orElseThrow();
    assertEquals(goodRun, latest.runId());
    assertEquals(1, latest.facts().size());
  }
}
