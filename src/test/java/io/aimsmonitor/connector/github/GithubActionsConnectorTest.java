package io.aimsmonitor.connector.github;

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
import static io.aimsmonitor.connector.registry.RegistryTestSupport.bearer;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** github-actions over real HTTP against responses shaped like GitHub's REST API description (2022-11-28). */
class GithubActionsConnectorTest {

  // split, so that secret scanning of the repository stays meaningful
  static final String TOKEN = "ghp_" + "testTokenValue0123456789abcdef";
  static final String RUNS = "/repos/acme/credit-risk/actions/runs";
  static final String SHA_A = "9f2c1e4b7a0d3c5e8f1a2b3c4d5e6f708192a3b4";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final GithubActionsConnectorType type = new GithubActionsConnectorType();

  ConnectorConfig config(Map<String, Object> extra) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("repositories", List.of("acme/credit-risk"));
    options.putAll(extra);
    return RegistryTestSupport.config("github-test", "github-actions", server.baseUrl(), bearer("GITHUB_TOKEN"),
        options);
  }

  Run collect(ConnectorConfig config, List<Fact> previous, boolean full, Clock clock) throws Exception {
    return CiTestRig.run(config, type.create(config), Map.of("GITHUB_TOKEN", TOKEN), previous, full, clock);
  }

  Run collect(Map<String, Object> extra) throws Exception {
    return collect(config(extra), List.of(), true, CLOCK);
  }

  static String link(String path, int next, int last) {
    return "<" + server.baseUrl() + path + "?per_page=100&exclude_pull_requests=true&page=" + next + ">; rel=\"next\", <"
        + server.baseUrl() + path + "?per_page=100&exclude_pull_requests=true&page=" + last + ">; rel=\"last\"";
  }

  static MappingBuilder page(int n) {
    MappingBuilder b = get(urlPathEqualTo(RUNS)).withQueryParam("per_page", equalTo("100"));
    return n == 1 ? b.withQueryParam("page", absent()) : b.withQueryParam("page", equalTo(String.valueOf(n)));
  }

  void stubTwoPages() {
    server.stubFor(page(1).willReturn(okJson(resource("connector/github/runs-page1.json"))
        .withHeader("Link", link(RUNS, 2, 2)).withHeader("ETag", "W/\"page1-v1\"")
        .withHeader("x-ratelimit-limit", "5000").withHeader("x-ratelimit-remaining", "4998")
        .withHeader("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 3000))));
    server.stubFor(page(2).willReturn(okJson(resource("connector/github/runs-page2.json"))
        .withHeader("Link", "<" + server.baseUrl() + RUNS + "?per_page=100&exclude_pull_requests=true&page=1>; rel=\"prev\", <"
            + server.baseUrl() + RUNS + "?per_page=100&exclude_pull_requests=true&page=1>; rel=\"first\"")
        .withHeader("ETag", "W/\"page2-v1\"")));
  }

  @Test
  void pagesThroughEveryRunToTheLastPageAndNoFurther() throws Exception {
    stubTwoPages();

    Run run = collect(Map.of());

    assertEquals(List.of("30433642", "30433645", "30433650"), run.runs().stream().map(PipelineRun::runId).toList());
    PipelineRun passed = run.run("30433645");
    assertEquals("github-actions", passed.ciSystem());
    assertEquals("acme/credit-risk", passed.repository());
    assertEquals("train-and-evaluate", passed.workflow());
    assertEquals(SHA_A, passed.commitSha());
    assertEquals("completed", passed.status());
    assertEquals("success", passed.conclusion());
    assertTrue(passed.isSuccessful());
    assertEquals("https://github.com/acme/credit-risk/actions/runs/30433645", passed.sourceUrl());
    assertEquals(java.time.Instant.parse("2026-05-03T23:20:00Z"), passed.finishedAt());
    assertEquals("failure", run.run("30433642").conclusion());
    assertEquals(2, run.pages());
    server.verify(2, getRequestedFor(urlPathEqualTo(RUNS)));
    server.verify(0, getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("page", equalTo("3")));
    server.verify(getRequestedFor(urlPathEqualTo(RUNS)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Accept", equalTo("application/vnd.github+json"))
        .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28")));
  }

  @Test
  void aWholeListingFetchesThePagesUpToRelLastConcurrentlyAndKeepsTheirOrder() throws Exception {
    server.stubFor(page(1).willReturn(okJson(resource("connector/github/runs-page1.json")).withHeader("Link", link(RUNS, 2, 3))));
    server.stubFor(page(2).willReturn(okJson(resource("connector/github/runs-page2.json")).withHeader("Link", link(RUNS, 3, 3))));
    server.stubFor(page(3).willReturn(okJson(resource("connector/github/runs-page2.json").replace("30433642", "30433601"))
        .withHeader("Link", "<" + server.baseUrl() + RUNS + "?per_page=100&exclude_pull_requests=true&page=1>; rel=\"first\"")));

    Run run = collect(Map.of());

    assertEquals(List.of("30433601", "30433642", "30433645", "30433650"), run.runs().stream().map(PipelineRun::runId).toList());
    assertEquals(3, run.pages());
    server.verify(0, getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("page", equalTo("4")));
  }

  @Test
  void aRunListedOnTwoPagesBecauseTheListingMovedIsOneRunAsListedLast() throws Exception {
    // a run created while the listing is paged pushes 30433645 from page 1 onto page 2, where it is
    // read again, later, and finished differently
    server.stubFor(page(1).willReturn(okJson(resource("connector/github/runs-page1.json")).withHeader("Link", link(RUNS, 2, 2))));
    server.stubFor(page(2).willReturn(okJson(resource("connector/github/runs-page2.json").replace("30433642", "30433645"))));

    Run run = collect(Map.of());

    assertEquals(List.of("30433645", "30433650"), run.runs().stream().map(PipelineRun::runId).toList());
    assertEquals("failure", run.run("30433645").conclusion());
    assertEquals("feature/queues", run.run("30433645").branch());
  }

  @Test
  void aRunInProgressIsRecordedAsSuchAndNeverCountsAsPassed() throws Exception {
    stubTwoPages();

    PipelineRun running = collect(Map.of()).run("30433650");

    assertEquals("in_progress", running.status());
    assertNull(running.conclusion());
    assertNull(running.finishedAt());
    assertTrue(running.isInProgress());
    assertFalse(running.isSuccessful());
  }

  @Test
  void aMalformedBodyFailsTheRunNamingTheUrl() throws Exception {
    server.stubFor(page(1).willReturn(okJson("{\"total_count\": 3, \"workflow_runs\": {\"id\": 1}}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(Map.of()));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains(RUNS) && e.getMessage().contains("workflow_runs"), e.getMessage());
  }

  @Test
  void aBodyThatIsNotJsonFailsTheRun() throws Exception {
    server.stubFor(page(1).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<html><body>Unicorn! This page is taking too long to load.</body></html>")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(Map.of()));

    assertEquals("malformed", e.reason());
  }

  @Test
  void refusedCredentialsFailAtOnceWithGithubsMessageAndNoToken() throws Exception {
    server.stubFor(page(1).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(Map.of()));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("Bad credentials"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    server.verify(1, getRequestedFor(urlPathEqualTo(RUNS)));
  }

  @Test
  void anUnchangedPageIsAnsweredFromTheEtagCacheWithA304() throws Exception {
    stubTwoPages();
    Run first = collect(Map.of());
    // GitHub answers If-None-Match with the page's current ETag by 304 and no body
    server.stubFor(page(1).withHeader("If-None-Match", equalTo("W/\"page1-v1\"")).atPriority(1)
        .willReturn(aResponse().withStatus(304).withHeader("ETag", "W/\"page1-v1\"")
            .withHeader("x-ratelimit-remaining", "4998")));
    server.stubFor(page(2).withHeader("If-None-Match", equalTo("W/\"page2-v1\"")).atPriority(1)
        .willReturn(aResponse().withStatus(304).withHeader("ETag", "W/\"page2-v1\"")));

    Clock later = Clock.offset(CLOCK, Duration.ofHours(1));
    Run second = collect(config(Map.of()), List.of(), true, later);

    assertEquals(first.runs().stream().map(r -> r.withOrigin("github-test", later.instant())).toList(), second.runs(),
        "the cached pages' runs, observed again now");
    server.verify(2, getRequestedFor(urlPathEqualTo(RUNS)).withHeader("If-None-Match", equalTo("W/\"page1-v1\"")
        .or(equalTo("W/\"page2-v1\""))));
  }

  @Test
  void jobsAndStepsAreReadForTheWorkflowsThatMatter() throws Exception {
    stubTwoPages();
    server.stubFor(get(urlPathEqualTo(RUNS + "/30433645/jobs")).withQueryParam("filter", equalTo("latest"))
        .withQueryParam("per_page", equalTo("100")).willReturn(okJson(resource("connector/github/jobs-30433645.json"))));

    server.stubFor(get(urlPathEqualTo(RUNS + "/30433642/jobs")).willReturn(okJson("{\"total_count\": 0, \"jobs\": []}")));

    Run run = collect(Map.of("jobsFor", List.of("train.yml")));

    PipelineRun trained = run.run("30433645");
    assertEquals(List.of("train", "evaluate"), trained.jobs().stream().map(PipelineRun.Job::name).toList());
    PipelineRun.Job evaluate = trained.jobs().get(1);
    assertEquals("success", evaluate.conclusion());
    assertEquals(new PipelineRun.Step("Run Tests", "completed", "success"), evaluate.steps().get(1));
    // the evaluation run is another workflow, and still in progress: its jobs are not read
    server.verify(0, getRequestedFor(urlPathEqualTo(RUNS + "/30433650/jobs")));
    server.verify(1, getRequestedFor(urlPathEqualTo(RUNS + "/30433642/jobs")));
    assertTrue(run.run("30433650").jobs().isEmpty());
  }

  @Test
  void aPrimaryRateLimit403IsWaitedOutUntilTheResetAndTheRunCompletes() throws Exception {
    long reset = NOW.getEpochSecond() + 45; // within the run's one-minute budget
    server.stubFor(page(1).inScenario("limit").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reset")
        .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
            .withHeader("x-ratelimit-limit", "5000").withHeader("x-ratelimit-remaining", "0")
            .withHeader("x-ratelimit-used", "5000").withHeader("x-ratelimit-resource", "core")
            .withHeader("x-ratelimit-reset", String.valueOf(reset))
            .withBody("{\"message\":\"API rate limit exceeded for installation ID 1.\","
                + "\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}")));
    server.stubFor(page(1).inScenario("limit").whenScenarioStateIs("reset")
        .willReturn(okJson(resource("connector/github/runs-page2.json"))));

    Run run = collect(Map.of());

    assertEquals(List.of(Duration.ofSeconds(45)), run.rateLimitWaits());
    assertEquals(List.of(45_000L), run.sleeps());
    assertEquals(List.of("30433642"), run.runs().stream().map(PipelineRun::runId).toList());
  }

  @Test
  void aSecondaryRateLimitWithRetryAfterIsWaitedOut() throws Exception {
    server.stubFor(page(1).inScenario("secondary").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
        .willReturn(aResponse().withStatus(429).withHeader("retry-after", "60").withHeader("Content-Type", "application/json")
            .withBody("{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}")));
    server.stubFor(page(1).inScenario("secondary").whenScenarioStateIs("ok")
        .willReturn(okJson(resource("connector/github/runs-page2.json"))));

    Run run = collect(Map.of());

    assertEquals(List.of(Duration.ofSeconds(60)), run.rateLimitWaits());
    assertEquals(1, run.runs().size());
  }

  @Test
  void aUsedUpWindowIsWaitedOutBeforeTheNextPageInsteadOfProvokingA403() throws Exception {
    stubTwoPages();
    server.stubFor(page(1).atPriority(1).willReturn(okJson(resource("connector/github/runs-page1.json"))
        .withHeader("Link", link(RUNS, 2, 2)).withHeader("x-ratelimit-remaining", "0")
        .withHeader("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 30))));

    Run run = collect(Map.of());

    assertEquals(List.of(Duration.ofSeconds(31)), run.rateLimitWaits()); // the reset plus a second of slack
    assertEquals(3, run.runs().size());
  }

  @Test
  void aRateLimitResettingAfterTheRunBudgetStopsTheRunCleanlyWithoutWaiting() throws Exception {
    server.stubFor(page(1).willReturn(aResponse().withStatus(403).withHeader("x-ratelimit-remaining", "0")
        .withHeader("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 3600))
        .withBody("{\"message\":\"API rate limit exceeded\"}")));
    // fastHttp() gives the run one minute; the window resets in an hour

    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(Map.of()));

    assertEquals("rate_limited", e.reason());
    assertTrue(e.getMessage().contains("resets at 2026-05-04T11:00:00Z") && e.getMessage().contains("http.runTimeout")
        && e.getMessage().contains("last good snapshot"), e.getMessage());
    server.verify(1, getRequestedFor(urlPathEqualTo(RUNS)));
  }

  @Test
  void incrementalRunsReadOnlyNewRunsAndRefetchTheOnesInProgress() throws Exception {
    stubTwoPages();
    Run first = collect(Map.of());
    server.resetRequests();
    // an hour and a half later: page 1 now starts with a new run; the run in progress finished
    Clock later = Clock.offset(CLOCK, Duration.ofMinutes(90));
    server.stubFor(page(1).atPriority(1).willReturn(okJson(resource("connector/github/runs-page1.json")
        .replace("\"id\": 30433650", "\"id\": 30433660").replace("2026-05-04T09:30:00Z", "2026-05-04T11:20:00Z"))
        .withHeader("Link", link(RUNS, 2, 2))));
    server.stubFor(get(urlPathEqualTo(RUNS + "/30433650"))
        .willReturn(okJson(resource("connector/github/run-30433650-completed.json"))));

    Run second = collect(config(Map.of()), first.facts(), false, later);

    assertEquals(List.of("30433642", "30433645", "30433650", "30433660"),
        second.runs().stream().map(PipelineRun::runId).toList());
    assertTrue(second.run("30433650").isSuccessful(), "the run in progress was fetched again and has finished");
    assertEquals(first.run("30433642").withOrigin("github-test", later.instant()), second.run("30433642"));
    // page 1 reaches back before the previous snapshot: page 2 is not read again
    server.verify(0, getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("page", equalTo("2")));
    server.verify(1, getRequestedFor(urlPathEqualTo(RUNS + "/30433650")));
  }

  @Test
  void aFullRefreshReadsEverythingAgain() throws Exception {
    stubTwoPages();
    Run first = collect(Map.of());

    collect(config(Map.of()), first.facts(), true, Clock.offset(CLOCK, Duration.ofDays(2)));

    server.verify(2, getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("page", equalTo("2")));
  }

  @Test
  void anOrganizationsRepositoriesAreAllReadExceptArchivedOnes() throws Exception {
    server.stubFor(get(urlPathEqualTo("/orgs/acme/repos")).withQueryParam("per_page", equalTo("100"))
        .willReturn(okJson(resource("connector/github/org-repos.json"))));
    stubTwoPages();
    server.stubFor(get(urlPathEqualTo("/repos/acme/support-llm/actions/runs"))
        .willReturn(okJson(resource("connector/github/runs-support-llm.json"))));
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("organization", "acme");
    ConnectorConfig config = RegistryTestSupport.config("github-test", "github-actions", server.baseUrl(),
        bearer("GITHUB_TOKEN"), options);

    Run run = collect(config, List.of(), true, CLOCK);

    assertEquals(List.of("acme/credit-risk", "acme/support-llm"),
        run.runs().stream().map(PipelineRun::repository).distinct().toList());
    server.verify(0, getRequestedFor(urlPathEqualTo("/repos/acme/old-scorer/actions/runs")));
  }

  @Test
  void workflowAndBranchFiltersGoToGithub() throws Exception {
    server.stubFor(get(urlPathEqualTo("/repos/acme/credit-risk/actions/workflows/train.yml/runs"))
        .withQueryParam("branch", equalTo("main")).withQueryParam("per_page", equalTo("100"))
        .willReturn(okJson(resource("connector/github/runs-page2.json"))));

    Run run = collect(Map.of("workflows", List.of("train.yml"), "branch", "main"));

    assertEquals(1, run.runs().size());
  }
}
