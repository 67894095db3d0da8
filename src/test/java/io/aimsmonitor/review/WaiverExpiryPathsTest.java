package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.Workbench;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A waiver past its expiry brings its finding back at the first evaluation after, in the running
 * service: through the scheduled evaluation job (the one the cron trigger fires) and through
 * run-now over the REST API, with the service's clock moved past expiry. The {@code scan} path is
 * {@code io.aimsmonitor.cli.ScanWaiversTest}. Also: the waived finding is out of the open list
 * and out of the open metrics while the waiver stands, and back in both after.
 */
@SpringBootTest(classes = {AimsMonitorApplication.class, WaiverExpiryPathsTest.TestClock.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", "aims.scheduler.collect-on-start=true",
        TestAccess.ADMIN_PASSWORD_PROPERTY})
class WaiverExpiryPathsTest {

  static final Path ROOT;
  static final MutableClock CLOCK = new MutableClock(Instant.now());

  static {
    try {
      ROOT = Files.createTempDirectory("aims-waiver-paths");
      Path connectors = Files.createDirectories(ROOT.resolve("connectors"));
      Files.createDirectories(ROOT.resolve("inventory"));
      Files.writeString(connectors.resolve("inventory.yaml"), """
          id: inventory
          type: file
          schedule: "0 0 * * * ?"
          options:
            paths: [../inventory]
          """);
      Files.writeString(ROOT.resolve("inventory/models.yaml"),
          Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]"));
      Path pack = Files.createDirectories(ROOT.resolve("rules/test-pack"));
      Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
      Files.writeString(pack.resolve("rules.drl"), WorkflowScenario.PACK);
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class TestClock {
    @Bean
    @Primary
    Clock testClock() {
      return CLOCK;
    }
  }

  @DynamicPropertySource
  static void dirs(DynamicPropertyRegistry registry) {
    registry.add("aims.data-dir", () -> ROOT.resolve("data").toString());
    registry.add("aims.connectors-dir", () -> ROOT.resolve("connectors").toString());
    registry.add("aims.rules-dir", () -> ROOT.resolve("rules").toString());
    registry.add("spring.datasource.url", () -> "jdbc:h2:mem:waiver-paths;DB_CLOSE_DELAY=-1");
  }

  @LocalServerPort
  int port;

  @Autowired
  Scheduler scheduler;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  static final String FRAUD7 = Finding.idOf(WorkflowScenario.APPROVAL_RULE, "inventory:fraud/7");

  @Test
  void anExpiredWaiverBringsTheFindingBackOnTheScheduledAndTheRunNowPath() throws Exception {
    await("the finding exists", () -> get("/api/findings/" + FRAUD7).statusCode() == 200);

    // The scheduled path: the evaluation job the cron trigger fires.
    waive(CLOCK.instant().plus(Duration.ofDays(1)));
    assertWaived();
    CLOCK.advance(Duration.ofDays(2));
    scheduler.triggerJob(JobKey.jobKey("evaluate", "aims"));
    await("UNWAIVED after the scheduled evaluation", () -> unwaivedEvents() == 1);
    assertOpen();

    // The run-now path: POST /api/connectors/{id}/run collects, then the debounced evaluation runs.
    waive(CLOCK.instant().plus(Duration.ofDays(1)));
    assertWaived();
    CLOCK.advance(Duration.ofDays(2));
    HttpResponse<String> run = post("/api/connectors/inventory/run", "");
    assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
    await("UNWAIVED after run now", () -> unwaivedEvents() == 2);
    assertOpen();

    JsonNode history = json.readTree(get("/api/findings/" + FRAUD7).body()).get("history");
    for (JsonNode event : history) {
      if (event.get("type").asString().equals("UNWAIVED")) {
        assertThat(event.get("actor").asString()).isEqualTo("system");
        assertThat(event.get("detail").asString()).contains("expired");
      }
      if (event.get("type").asString().equals("WAIVED")) {
        assertThat(event.get("actor").asString()).as("the authenticated requester").isEqualTo("admin");
      }
    }
  }

  private void waive(Instant expiresAt) throws Exception {
    HttpResponse<String> created = post("/api/waivers", """
        {"ruleId": "test.production-approved", "subjectPattern": "inventory:fraud/*",
         "justification": "Approved by the risk committee outside the registry.", "expiresAt": "%s"}
        """.formatted(expiresAt));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode w = json.readTree(created.body());
    assertThat(w.get("state").asString()).isEqualTo("active");
    assertThat(w.get("coveredFindings").asLong()).isEqualTo(1);
  }

  private void assertWaived() throws Exception {
    JsonNode detail = json.readTree(get("/api/findings/" + FRAUD7).body());
    assertThat(detail.get("workflow").get("state").asString()).isEqualTo("waived");
    assertThat(ids("/api/findings?status=open")).doesNotContain(FRAUD7);
    assertThat(ids("/api/findings?status=waived")).contains(FRAUD7);
    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics).containsPattern("aims_findings\\{[^}]*rule=\"test.production-approved\"[^}]*status=\"waived\"[^}]*} 1.0")
        .contains("aims_waivers_active{scope=\"rule\"} 1.0")
        .contains("aims_waivers_expiring_soon{scope=\"rule\"} 1.0")
        .doesNotContainPattern("aims_findings_open\\{[^}]*rule=\"test.production-approved\"[^}]*} 2.0");
    assertThat(metrics).containsPattern("aims_findings_open\\{[^}]*rule=\"test.production-approved\"[^}]*} 1.0");
  }

  private void assertOpen() throws Exception {
    JsonNode detail = json.readTree(get("/api/findings/" + FRAUD7).body());
    assertThat(detail.get("workflow").get("state").asString()).isEqualTo("open");
    assertThat(detail.get("finding").get("status").asString()).isEqualTo("OPEN");
    assertThat(ids("/api/findings?status=open")).contains(FRAUD7);
    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics).doesNotContainPattern("aims_findings\\{[^}]*status=\"waived\"")
        .contains("aims_waivers_active{scope=\"rule\"} 0.0");
  }

  private long unwaivedEvents() throws Exception {
    JsonNode history = json.readTree(get("/api/findings/" + FRAUD7).body()).get("history");
    long n = 0;
    for (JsonNode e : history) {
      n += e.get("type").asString().equals("UNWAIVED") ? 1 : 0;
    }
    return n;
  }

  private java.util.List<String> ids(String path) throws Exception {
    return json.readTree(get(path).body()).get("items").findValuesAsString("id");
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** Polls until the check holds; the deadline only bounds a failing test, it asserts no speed. */
  private static void await(String what, Check check) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within 120 s: " + what);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(TestAccess.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(TestAccess.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

}
