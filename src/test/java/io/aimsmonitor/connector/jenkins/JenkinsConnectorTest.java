package io.aimsmonitor.connector.jenkins;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.CLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jenkins over real HTTP against responses shaped like Jenkins' JSON remote access API: every object
 * carries {@code _class}, {@code tree=} selects fields, {@code allBuilds{M,N}} windows, and a
 * build's actions hold {@code BuildData} and {@code TestResultAction} (as in cdancy/jenkins-rest's
 * build-info fixtures).
 */
class JenkinsConnectorTest {

  static final String TOKEN = "11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7";
  static final String FRAUD = "/job/ml/job/fraud-train/api/json";
  static final String SHA = "92eb597e252c9116d7486c46a2cf90dc5239c6a3";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  ConnectorConfig config(List<String> jobs) {
    Map<String, Object> options = new LinkedHashMap<>();
    if (!jobs.isEmpty()) {
      options.put("jobs", jobs);
    }
    return RegistryTestSupport.config("jenkins-test", "jenkins", server.baseUrl(),
        new AuthConfig("basic", null, "aims-monitor", new SecretRef("JENKINS_API_TOKEN", null), null), options);
  }

  Run collect(ConnectorConfig config, List<Fact> previous, boolean full, Clock clock) throws Exception {
    return CiTestRig.run(config, new JenkinsConnectorType().create(config), Map.of("JENKINS_API_TOKEN", TOKEN),
        previous, full, clock);
  }

  Run collect(List<String> jobs) throws Exception {
    return collect(config(jobs), List.of(), true, CLOCK);
  }

  /** One build as the API returns it for the connector's tree. */
  static String build(int number, String result, boolean building, String sha, int total, int failed) {
    long timestamp = 1_777_000_000_000L + number * 3_600_000L;
    return """
        {"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","number":%d,"url":"%s/job/ml/job/fraud-train/%d/",
         "result":%s,"timestamp":%d,"duration":%d,"building":%s,
         "actions":[{"_class":"hudson.model.CauseAction"},
           {"_class":"hudson.plugins.git.util.BuildData","lastBuiltRevision":{"SHA1":"%s","branch":[{"SHA1":"%s","name":"refs/remotes/origin/main"}]},
            "remoteUrls":["https://github.com/acme/fraud-train.git"]},
           %s
           {},{"_class":"org.jenkinsci.plugins.workflow.libs.LibrariesAction"}]}"""
        .formatted(number, server.baseUrl(), number, result == null ? "null" : "\"" + result + "\"", timestamp,
            building ? 0 : 1_233_622, building, sha, sha,
            total < 0 ? "" : "{\"_class\":\"hudson.tasks.junit.TestResultAction\",\"failCount\":%d,\"skipCount\":18,\"totalCount\":%d,\"urlName\":\"testReport\"},"
                .formatted(failed, total));
  }

  /** Builds {@code newest} down to 1, windowed as {@code {from,to}}. */
  static String window(int newest, int from, int to, int building) {
    List<String> builds = new ArrayList<>();
    for (int n = newest - from; n > Math.max(0, newest - to); n--) {
      boolean isBuilding = n == building;
      builds.add(build(n, isBuilding ? null : n % 10 == 0 ? "FAILURE" : "SUCCESS", isBuilding,
          String.format("%040x", n), 5520, 0));
    }
    return "{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\",\"allBuilds\":[" + String.join(",", builds) + "]}";
  }

  static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder requested(String path, int from, int to) {
    return getRequestedFor(urlPathEqualTo(path)).withQueryParam("tree", equalTo("allBuilds["
        + JenkinsConnector.BUILD_FIELDS + "]{" + from + "," + to + "}"));
  }

  static MappingBuilder builds(String path, int from, int to) {
    return get(urlPathEqualTo(path)).withQueryParam("tree", equalTo("allBuilds[" + JenkinsConnector.BUILD_FIELDS + "]{"
        + from + "," + to + "}"));
  }

  void stubFolders() {
    server.stubFor(get(urlPathEqualTo("/api/json")).willReturn(okJson("""
        {"_class":"hudson.model.Hudson","jobs":[
          {"_class":"com.cloudbees.hudson.plugins.folder.Folder","name":"ml"},
          {"_class":"hudson.model.FreeStyleProject","name":"website"}]}""").withHeader("X-Jenkins", "2.479.1")));
    server.stubFor(get(urlPathEqualTo("/job/ml/api/json")).withQueryParam("tree", equalTo("_class,jobs[name,_class]"))
        .willReturn(okJson("""
        {"_class":"com.cloudbees.hudson.plugins.folder.Folder","jobs":[
          {"_class":"org.jenkinsci.plugins.workflow.job.WorkflowJob","name":"fraud-train"},
          {"_class":"org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject","name":"credit risk"}]}""")));
    server.stubFor(get(urlPathEqualTo("/job/ml/job/credit%20risk/api/json"))
        .withQueryParam("tree", equalTo("_class,jobs[name,_class]")).willReturn(okJson("""
        {"_class":"org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject","jobs":[
          {"_class":"org.jenkinsci.plugins.workflow.job.WorkflowJob","name":"main"}]}""")));
    for (String job : List.of("/job/ml/job/fraud-train", "/job/website", "/job/ml/job/credit%20risk/job/main")) {
      server.stubFor(get(urlPathEqualTo(job + "/api/json")).withQueryParam("tree", equalTo("_class,jobs[name,_class]"))
          .willReturn(okJson("{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\"}")));
      server.stubFor(builds(job + "/api/json", 0, 100).willReturn(okJson(window(3, 0, 100, 3))));
    }
  }

  @Test
  void walksFoldersAndMultibranchProjectsRecursively() throws Exception {
    stubFolders();

    Run run = collect(List.of());

    assertEquals(List.of("ml/credit risk/main", "ml/fraud-train", "website"),
        run.runs().stream().map(PipelineRun::repository).distinct().toList());
    assertEquals(9, run.runs().size());
    server.verify(getRequestedFor(urlPathEqualTo("/api/json")).withHeader("Authorization",
        equalTo("Basic " + Base64.getEncoder().encodeToString(("aims-monitor:" + TOKEN).getBytes()))));
  }

  @Test
  void readsAllBuildsInWindowsOfAHundredToTheEndAndNoFurther() throws Exception {
    server.stubFor(get(urlPathEqualTo(FRAUD)).withQueryParam("tree", equalTo("_class,jobs[name,_class]"))
        .willReturn(okJson("{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\"}")));
    server.stubFor(builds(FRAUD, 0, 100).willReturn(okJson(window(150, 0, 100, -1))));
    server.stubFor(builds(FRAUD, 100, 200).willReturn(okJson(window(150, 100, 200, -1))));

    Run run = collect(List.of("ml/fraud-train"));

    assertEquals(150, run.runs().size());
    server.verify(0, requested(FRAUD, 200, 300));
    server.verify(1, requested(FRAUD, 100, 200));
    PipelineRun build = run.run("140");
    assertEquals("jenkins", build.ciSystem());
    assertEquals("ml/fraud-train", build.repository());
    assertEquals("fraud-train", build.workflow());
    assertEquals("failure", build.conclusion());
    assertEquals(String.format("%040x", 140), build.commitSha());
    assertEquals("main", build.branch());
    assertEquals(new PipelineRun.TestSummary(5520, 0, 18), build.tests());
    assertEquals(Instant.ofEpochMilli(1_777_000_000_000L + 141 * 3_600_000L - 3_600_000L + 1_233_622),
        build.finishedAt());
    assertTrue(run.run("141").isSuccessful());
  }

  @Test
  void aBuildInProgressIsRecordedAsSuchAndNeverCountsAsPassed() throws Exception {
    server.stubFor(get(urlPathEqualTo(FRAUD)).willReturn(okJson("{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\"}")));
    server.stubFor(builds(FRAUD, 0, 100).willReturn(okJson(window(3, 0, 100, 3))));

    PipelineRun building = collect(List.of("ml/fraud-train")).run("3");

    assertEquals("building", building.status());
    assertNull(building.conclusion());
    assertNull(building.finishedAt());
    assertTrue(building.isInProgress());
    assertFalse(building.isSuccessful());
  }

  @Test
  void anUnstableBuildIsNotASuccess() throws Exception {
    server.stubFor(get(urlPathEqualTo(FRAUD)).willReturn(okJson("{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\"}")));
    server.stubFor(builds(FRAUD, 0, 100).willReturn(okJson("{\"allBuilds\":[" + build(7, "UNSTABLE", false, SHA, 100, 3)
        + "]}")));

    PipelineRun unstable = collect(List.of("ml/fraud-train")).run("7");

    assertEquals("unstable", unstable.conclusion());
    assertFalse(unstable.isSuccessful());
    assertEquals(new PipelineRun.TestSummary(100, 3, 18), unstable.tests());
  }

  @Test
  void aMalformedBodyFailsTheRunNamingTheJob() throws Exception {
    server.stubFor(get(urlPathEqualTo(FRAUD)).willReturn(okJson("{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\"}")));
    server.stubFor(builds(FRAUD, 0, 100).willReturn(okJson("{\"allBuilds\": \"none\"}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(List.of("ml/fraud-train")));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("/job/ml/job/fraud-train/api/json") && e.getMessage().contains("allBuilds"),
        e.getMessage());
  }

  @Test
  void refusedCredentialsFailAtOnceWithoutTheToken() throws Exception {
    // Jenkins answers a bad API token with its HTML error page
    server.stubFor(get(urlPathEqualTo("/api/json")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "text/html;charset=utf-8").withHeader("X-Jenkins", "2.479.1")
        .withBody("<html><head><title>Error 401 Invalid password/token for user: aims-monitor</title></head></html>")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(List.of()));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("Invalid password/token"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
  }

  @Test
  void incrementalRunsStopAtTheBuildsTheSnapshotHas() throws Exception {
    server.stubFor(get(urlPathEqualTo(FRAUD)).willReturn(okJson("{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\"}")));
    server.stubFor(builds(FRAUD, 0, 100).willReturn(okJson(window(150, 0, 100, 150))));
    server.stubFor(builds(FRAUD, 100, 200).willReturn(okJson(window(150, 100, 200, 150))));
    Run first = collect(List.of("ml/fraud-train"));
    assertTrue(first.run("150").isInProgress());
    server.resetRequests();
    // two new builds since; 150 has finished
    server.stubFor(builds(FRAUD, 0, 100).atPriority(1).willReturn(okJson(window(152, 0, 100, -1))));

    Clock later = Clock.offset(CLOCK, Duration.ofHours(1));
    Run second = collect(config(List.of("ml/fraud-train")), first.facts(), false, later);

    assertEquals(152, second.runs().size());
    assertEquals("failure", second.run("150").conclusion(), "the build in progress was read again: it has failed");
    assertEquals(first.run("3").withOrigin("jenkins-test", later.instant()), second.run("3"));
    server.verify(0, requested(FRAUD, 100, 200));
  }
}
