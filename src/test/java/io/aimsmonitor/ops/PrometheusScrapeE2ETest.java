package io.aimsmonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.aimsmonitor.AimsMonitorApplication;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end: the application on the bundled demo (connectors/ and rules/ of the repository), a
 * real Prometheus scraping its /actuator/prometheus every second with the shipped alert rules
 * loaded, queried through Prometheus's HTTP API; and promtool's lint of the exposition. The metrics
 * endpoint is token-protected here ({@code aims.security.metrics.access=token}), as in the HA Helm
 * values: Prometheus sends the scrape token as a bearer token, from a file.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.security.metrics.access=token", "aims.security.metrics.token=" + PrometheusScrapeE2ETest.SCRAPE_TOKEN})
class PrometheusScrapeE2ETest {

  static final String SCRAPE_TOKEN = "e2e-scrape-token-not-secret";

  private static final Duration SCRAPE_WAIT = Duration.ofSeconds(120);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path dataDir;

  @DynamicPropertySource
  static void isolatedStore(DynamicPropertyRegistry registry) {
    // A fresh H2 store per run, so the demo's first collection and evaluation happen in this test.
    registry.add("aims.data-dir", () -> dataDir.toString());
  }

  @LocalServerPort
  int port;

  @TempDir
  Path work;

  private Process prometheus;

  @AfterEach
  void stopPrometheus() throws InterruptedException {
    if (prometheus != null && prometheus.isAlive()) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void prometheusScrapesControlAndConnectorSeriesAndTheRulesEvaluateCleanly() throws Exception {
    Path prometheusBinary = ExternalTools.require("prometheus", "prometheus");
    // The demo collected on application start, which was after this JVM started and before now.
    Instant jvmStarted = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    String api = startPrometheus(prometheusBinary);

    // The demo connector collects on start, then an evaluation follows: wait for both in Prometheus.
    JsonNode status = awaitSeries(api, "aims_control_status");
    JsonNode lastSuccess = awaitSeries(api, "aims_connector_last_success_timestamp_seconds");

    Set<String> statuses = new HashSet<>();
    Set<String> controls = new HashSet<>();
    for (JsonNode series : status) {
      JsonNode labels = series.path("metric");
      assertThat(labels.path("job").asString()).isEqualTo("aims-monitor");
      assertThat(labels.path("instance").asString()).isEqualTo("127.0.0.1:" + port);
      assertThat(labels.path("control").asString()).matches("A\\.\\d+(\\.\\d+)*|\\d+(\\.\\d+)*");
      assertThat(labels.path("family").asString()).matches("A\\.\\d+|\\d+");
      assertThat(labels.path("control").asString()).startsWith(labels.path("family").asString());
      statuses.add(labels.path("status").asString());
      controls.add(labels.path("control").asString());
    }
    assertThat(statuses).containsExactlyInAnyOrder("compliant", "non_compliant", "unknown", "not_covered",
        "attestation_required");
    assertThat(status).as("one series per control and status").hasSize(controls.size() * statuses.size());
    // Exactly one status is 1 per control.
    JsonNode perControl = query(api, "sum by (control) (aims_control_status)");
    assertThat(perControl).hasSize(controls.size());
    perControl.forEach(s -> assertThat(s.path("value").get(1).asString()).as("%s", s).isEqualTo("1"));
    // The demo's rules decide some controls, so not everything is not_covered.
    assertThat(query(api, "aims_control_status{status!=\"not_covered\"} == 1")).isNotEmpty();

    JsonNode demo = only(lastSuccess, "demo-inventory");
    assertThat(demo.path("metric").path("type").asString()).isEqualTo("file");
    double successAt = Double.parseDouble(demo.path("value").get(1).asString());
    assertThat(successAt).isBetween(jvmStarted.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);
    // The demo runs every 15 minutes ("0 */15 * * * ?"): the stale alert's yardstick.
    JsonNode interval = only(query(api, "aims_connector_schedule_interval_seconds"), "demo-inventory");
    assertThat(Double.parseDouble(interval.path("value").get(1).asString())).isEqualTo(900.0);
    assertThat(query(api, "aims_connector_last_run_success{connector=\"demo-inventory\"} == 1")).hasSize(1);

    assertRulesAndDashboardQueriesEvaluateWithoutErrors(api);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void exposedMetricsPassPromtoolCheckMetrics() throws Exception {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    // Lint the exposition once an evaluation has run, so that the finding and evaluation series,
    // absent before the first cycle, are part of what is checked.
    String body = null;
    long deadline = System.nanoTime() + SCRAPE_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      body = scrapeText();
      if (body.contains("\naims_evaluation_last_timestamp_seconds ") && body.contains("\naims_findings_open{")) {
        break;
      }
      Thread.sleep(1000);
    }
    assertThat(body).contains("aims_control_status{").contains("aims_rule_pack_info{")
        .contains("aims_evaluation_last_timestamp_seconds ").contains("aims_findings_open{")
        .contains("# TYPE aims_evaluations_total counter");
    Path text = work.resolve("scrape.txt");
    Files.writeString(text, body);

    ProcessBuilder builder = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
        .redirectInput(text.toFile());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool check metrics:\n%s", output).isZero();
    assertThat(output).as("promtool check metrics reports no problems").isBlank();
  }

  /**
   * The shipped alerting rules are loaded by this Prometheus: each must evaluate against the real
   * series without error (e.g. no many-to-many matching), and so must every dashboard query.
   */
  private void assertRulesAndDashboardQueriesEvaluateWithoutErrors(String api) throws Exception {
    Set<String> expected = PromtoolRulesTest.alertRules().keySet();
    Map<String, String> health = Map.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      health = ruleHealth(api);
      if (health.keySet().containsAll(expected) && health.values().stream().noneMatch("unknown"::equals)) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(health.keySet()).containsAll(expected);
    assertThat(health).as("rule health after evaluation against real series").allSatisfy(
        (name, state) -> assertThat(state).as(name).isEqualTo("ok"));

    List<String> failures = new ArrayList<>();
    PromqlDashboardTest.queries().forEach((where, expr) -> {
      try {
        JsonNode response = get(api + "/api/v1/query?query="
            + URLEncoder.encode(PromQl.substituteGrafanaVariables(expr), StandardCharsets.UTF_8));
        if (!"success".equals(response.path("status").asString())) {
          failures.add(where + ": " + response);
        }
      } catch (Exception e) {
        failures.add(where + ": " + e);
      }
    });
    assertThat(failures).as("dashboard queries rejected by Prometheus").isEmpty();
    // Panels the dashboard is for show data on the demo.
    assertThat(query(api, PromQl.substituteGrafanaVariables(PromqlDashboardTest.queries().get("Controls by status #A"))))
        .isNotEmpty();
    assertThat(query(api, "max by (scope) (aims_controls_automation_ratio)")).hasSize(2);
  }

  /** Prometheus's classic text format, which is what promtool check metrics reads. */
  private String scrapeText() throws Exception {
    URI metrics = URI.create("http://127.0.0.1:" + port + "/actuator/prometheus");
    assertThat(HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .as("GET /actuator/prometheus without the token").isEqualTo(401);
    HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(metrics).header("Accept", "text/plain;version=0.0.4")
        .header("Authorization", "Bearer " + SCRAPE_TOKEN).timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).as("GET /actuator/prometheus").isEqualTo(200);
    return scrape.body();
  }

  private String startPrometheus(Path binary) throws Exception {
    int listenPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      listenPort = socket.getLocalPort();
    }
    Path config = work.resolve("prometheus.yml");
    Path token = work.resolve("scrape-token");
    Files.writeString(token, SCRAPE_TOKEN);
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: aims-monitor
            metrics_path: /actuator/prometheus
            authorization:
              type: Bearer
              credentials_file: %s
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(PromtoolRulesTest.RULES.toAbsolutePath(), token.toAbsolutePath(), port));
    Path log = work.resolve("prometheus.log");
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + listenPort)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String api = "http://127.0.0.1:" + listenPort;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited with " + prometheus.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return api;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    fail("prometheus did not become ready within 30 s:\n" + Files.readString(log));
    return api;
  }

  private JsonNode awaitSeries(String api, String expr) throws Exception {
    long deadline = System.nanoTime() + SCRAPE_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode result = query(api, expr);
      if (!result.isEmpty()) {
        return result;
      }
      Thread.sleep(1000);
    }
    JsonNode targets = get(api + "/api/v1/targets");
    fail("no series for " + expr + " in Prometheus after " + SCRAPE_WAIT + "; targets: " + targets
        + "\nprometheus log:\n" + Files.readString(work.resolve("prometheus.log")));
    return null;
  }

  private static JsonNode query(String api, String expr) throws Exception {
    JsonNode response = get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    assertThat(response.path("status").asString()).as("query %s: %s", expr, response).isEqualTo("success");
    return response.path("data").path("result");
  }

  private static Map<String, String> ruleHealth(String api) throws Exception {
    Map<String, String> health = new java.util.LinkedHashMap<>();
    for (JsonNode group : get(api + "/api/v1/rules").path("data").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String state = rule.path("health").asString();
        health.put(rule.path("name").asString(), "err".equals(state) ? "err: " + rule.path("lastError").asString()
            : state);
      }
    }
    return health;
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static JsonNode only(JsonNode result, String connector) {
    List<JsonNode> matches = new ArrayList<>();
    result.forEach(s -> {
      if (connector.equals(s.path("metric").path("connector").asString())) {
        matches.add(s);
      }
    });
    assertThat(matches).as("series of connector %s in %s", connector, result).hasSize(1);
    return matches.get(0);
  }
}
