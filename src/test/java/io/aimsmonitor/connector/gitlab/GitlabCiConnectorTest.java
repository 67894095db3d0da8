package io.aimsmonitor.connector.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.CLOCK;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.NOW;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.ci.CiTestRig;
import io.aimsmonitor.connector.ci.CiTestRig.Run;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** gitlab-ci over real HTTP against responses shaped like GitLab's REST API docs (pipelines.md, jobs.md, rest/_index.md). */
class GitlabCiConnectorTest {

  static final String TOKEN = "glpat-" + "testTokenValue0123456789" /* split for secret scanning */;
  static final String PROJECT = "/api/v4/projects/acme%2Fml%2Fcredit-risk";
  static final String PIPELINES = PROJECT + "/pipelines";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  ConnectorConfig config(Map<String, Object> extra) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("projects", List.of("acme/ml/credit-risk"));
    options.putAll(extra);
    return RegistryTestSupport.config("gitlab-test", "gitlab-ci", server.baseUrl(),
        new AuthConfig("header", new SecretRef("GITLAB_TOKEN", null), null, null, "PRIVATE-TOKEN"), options);
  }

  Run collect(ConnectorConfig config, List<Fact> previous, boolean full, Clock clock) throws Exception {
    return CiTestRig.run(config, new GitlabCiConnectorType().create(config), Map.of("GITLAB_TOKEN", TOKEN), previous,
        full, clock);
  }

  Run collect() throws Exception {
    return collect(config(Map.of()), List.of(), true, CLOCK);
  }

  static MappingBuilder page(int n) {
    MappingBuilder b = get(urlPathEqualTo(PIPELINES)).withQueryParam("per_page", equalTo("100"));
    return n == 1 ? b.withQueryParam("page", absent()) : b.withQueryParam("page", equalTo(String.valueOf(n)));
  }

  @BeforeEach
  void stubProject() {
    server.stubFor(get(urlPathEqualTo(PROJECT)).willReturn(okJson(resource("connector/gitlab/project.json"))));
    server.stubFor(get(urlPathEqualTo(PIPELINES + "/288/test_report_summary"))
        .willReturn(okJson(resource("connector/gitlab/test-report-summary-288.json"))));
    server.stubFor(get(urlPathEqualTo(PIPELINES + "/287/test_report_summary"))
        .willReturn(okJson(resource("connector/gitlab/test-report-summary-empty.json"))));
  }

  void stubTwoPages() {
    // offset paging as GitLab documents it: x-next-page on every page but the last, where it is empty
    server.stubFor(page(1).willReturn(okJson(resource("connector/gitlab/pipelines-page1.json"))
        .withHeader("x-page", "1").withHeader("x-per-page", "100").withHeader("x-next-page", "2")
        .withHeader("x-prev-page", "").withHeader("x-total", "3").withHeader("x-total-pages", "2")));
    server.stubFor(page(2).willReturn(okJson(resource("connector/gitlab/pipelines-page2.json"))
        .withHeader("x-page", "2").withHeader("x-per-page", "100").withHeader("x-next-page", "")
        .withHeader("x-prev-page", "1").withHeader("x-total", "3").withHeader("x-total-pages", "2")));
  }

  @Test
  void pagesByXNextPageToTheEndAndNoFurther() throws Exception {
    stubTwoPages();

    Run run = collect();

    assertEquals(List.of("287", "288", "289"), run.runs().stream().map(PipelineRun::runId).toList());
    PipelineRun passed = run.run("288");
    assertEquals("gitlab-ci", passed.ciSystem());
    assertEquals("acme/ml/credit-risk", passed.repository());
    assertEquals("Build pipeline", passed.workflow());
    assertEquals("9f2c1e4b7a0d3c5e8f1a2b3c4d5e6f708192a3b4", passed.commitSha());
    assertTrue(passed.isSuccessful());
    assertEquals(new PipelineRun.TestSummary(215, 2, 3), passed.tests());
    assertEquals("failure", run.run("287").conclusion());
    assertNull(run.run("287").tests(), "no test report: no summary, not a summary of zero");
    server.verify(2, getRequestedFor(urlPathEqualTo(PIPELINES)));
    server.verify(0, getRequestedFor(urlPathEqualTo(PIPELINES)).withQueryParam("page", equalTo("3")));
    server.verify(getRequestedFor(urlPathEqualTo(PIPELINES)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
        .withQueryParam("order_by", equalTo("updated_at")));
  }

  @Test
  void followsLinkRelNextWhenGitlabSendsIt() throws Exception {
    server.stubFor(page(1).willReturn(okJson(resource("connector/gitlab/pipelines-page1.json"))
        .withHeader("link", "<" + server.baseUrl() + PIPELINES + "?id_after=288&per_page=100&page=2>; rel=\"next\"")));
    server.stubFor(page(2).withQueryParam("id_after", equalTo("288"))
        .willReturn(okJson(resource("connector/gitlab/pipelines-page2.json"))));

    assertEquals(3, collect().runs().size());
  }

  @Test
  void aRunningPipelineIsRecordedAsSuchAndNeverCountsAsPassed() throws Exception {
    stubTwoPages();

    PipelineRun running = collect().run("289");

    assertEquals("running", running.status());
    assertNull(running.conclusion());
    assertTrue(running.isInProgress());
    assertFalse(running.isSuccessful());
    assertEquals("pipeline", running.workflow(), "a pipeline without a name");
    server.verify(0, getRequestedFor(urlPathEqualTo(PIPELINES + "/289/test_report_summary")));
  }

  @Test
  void aMalformedBodyFailsTheRun() throws Exception {
    server.stubFor(page(1).willReturn(okJson("{\"message\": \"not a list\"}")));

    ConnectorException e = assertThrows(ConnectorException.class, this::collect);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("expected a list of pipelines"), e.getMessage());
  }

  @Test
  void aRefusedTokenFailsWithGitlabsMessageAndNoToken() throws Exception {
    server.stubFor(get(urlPathEqualTo(PROJECT)).atPriority(1).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"401 Unauthorized\"}")));

    ConnectorException e = assertThrows(ConnectorException.class, this::collect);

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("401 Unauthorized"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
  }

  @Test
  void a429IsWaitedOutAsRetryAfterAsks() throws Exception {
    stubTwoPages();
    server.stubFor(page(1).atPriority(1).inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("ok").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "20")
            .withHeader("RateLimit-Limit", "600").withHeader("RateLimit-Observed", "601")
            .withHeader("RateLimit-Remaining", "0").withHeader("RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 20))
            .withBody("Retry later")));

    Run run = collect();

    assertEquals(List.of(Duration.ofSeconds(20)), run.rateLimitWaits());
    assertEquals(3, run.runs().size());
  }

  @Test
  void aUsedUpWindowIsWaitedOutBeforeTheNextRequest() throws Exception {
    stubTwoPages();
    server.stubFor(page(1).atPriority(1).willReturn(okJson(resource("connector/gitlab/pipelines-page1.json"))
        .withHeader("x-next-page", "2").withHeader("RateLimit-Remaining", "0")
        .withHeader("RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 9))));

    Run run = collect();

    assertEquals(List.of(Duration.ofSeconds(10)), run.rateLimitWaits());
  }

  @Test
  void aNumericProjectIdIsReadAndReportedByItsPath() throws Exception {
    server.stubFor(get(urlPathEqualTo("/api/v4/projects/21")).willReturn(okJson(resource("connector/gitlab/project.json"))));
    server.stubFor(get(urlPathEqualTo("/api/v4/projects/21/pipelines"))
        .willReturn(okJson(resource("connector/gitlab/pipelines-page2.json"))));
    server.stubFor(get(urlPathEqualTo("/api/v4/projects/21/pipelines/287/test_report_summary"))
        .willReturn(okJson(resource("connector/gitlab/test-report-summary-empty.json"))));

    Run run = collect(config(Map.of("projects", List.of("21"))), List.of(), true, CLOCK);

    assertEquals("acme/ml/credit-risk", run.run("287").repository());
  }

  @Test
  void jobsAreReadWhenAsked() throws Exception {
    stubTwoPages();
    server.stubFor(get(urlPathEqualTo(PIPELINES + "/288/jobs")).withQueryParam("include_retried", equalTo("false"))
        .willReturn(okJson(resource("connector/gitlab/jobs-288.json")).withHeader("x-next-page", "")));
    server.stubFor(get(urlPathEqualTo(PIPELINES + "/287/jobs")).willReturn(okJson("[]")));

    Run run = collect(config(Map.of("jobs", true)), List.of(), true, CLOCK);

    assertEquals(List.of(new PipelineRun.Job("evaluate", "success", "success",
        java.time.Instant.parse("2026-05-03T22:58:10Z"), java.time.Instant.parse("2026-05-03T23:19:40Z"), List.of())),
        run.run("288").jobs());
  }

  @Test
  void incrementalRunsAskOnlyForPipelinesUpdatedSinceTheSnapshot() throws Exception {
    stubTwoPages();
    Run first = collect();
    server.resetRequests();
    Clock later = Clock.offset(CLOCK, Duration.ofHours(2));
    // since then, only the running pipeline changed: it succeeded
    server.stubFor(page(1).atPriority(1).withQueryParam("updated_after", equalTo("2026-05-04T09:00:00Z"))
        .willReturn(okJson(resource("connector/gitlab/pipelines-page1.json").replace("\"running\"", "\"success\"")
            .replace("2026-05-04T09:35:10.200Z", "2026-05-04T10:40:00.000Z"))));
    server.stubFor(get(urlPathEqualTo(PIPELINES + "/289/test_report_summary"))
        .willReturn(okJson(resource("connector/gitlab/test-report-summary-empty.json"))));

    Run second = collect(config(Map.of()), first.facts(), false, later);

    assertTrue(second.run("289").isSuccessful());
    assertEquals(first.run("287").withOrigin("gitlab-test", later.instant()), second.run("287"));
    assertEquals(first.run("288").tests(), second.run("288").tests());
    server.verify(0, getRequestedFor(urlPathEqualTo(PIPELINES + "/288/test_report_summary")));
    server.verify(0, getRequestedFor(urlPathEqualTo(PIPELINES)).withQueryParam("page", equalTo("2")));
  }
}
