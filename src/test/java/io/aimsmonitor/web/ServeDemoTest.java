package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.testing.TestAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's run command in a test: serve on the embedded default with the bundled demo, and
 * see demo findings mapped to ISO 42001 controls through the API, plus the API's handling of bad
 * requests.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", TestAccess.ADMIN_PASSWORD_PROPERTY})
class ServeDemoTest {

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("aims.data-dir", () -> data.toString());
  }

  @LocalServerPort
  int port;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(TestAccess.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesDemoFindingsMappedToIsoControls() throws Exception {
    JsonNode page = null;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      page = json.readTree(get("/api/findings?status=open").body());
      if (page.get("total").asLong() > 0) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(page.get("total").asLong()).as("demo findings within a minute").isPositive();
    ControlCatalog catalog = ControlCatalog.bundled();
    for (JsonNode finding : page.get("items")) {
      assertThat(finding.get("controls").size()).isPositive();
      finding.get("controls").forEach(c -> assertThat(catalog.contains(c.asString())).as(c.asString()).isTrue());
      assertThat(finding.get("subject").get("key").asString()).isNotBlank();
    }

    String id = page.get("items").get(0).get("id").asString();
    JsonNode detail = json.readTree(get("/api/findings/" + id).body());
    assertThat(detail.get("history").get(0).get("type").asString()).isEqualTo("OPENED");
    assertThat(detail.get("history").get(0).get("actor").asString()).isEqualTo("system");

    JsonNode connectors = json.readTree(get("/api/connectors").body());
    assertThat(connectors.findValuesAsString("id")).contains("demo-inventory");

    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics).contains("aims_control_status{").contains("aims_connector_last_success_timestamp_seconds{");
    // The scrape of the running demo has every metric docs/metrics.md lists.
    var documented = java.util.regex.Pattern.compile("^\\| `(aims_[a-z_]+)`", java.util.regex.Pattern.MULTILINE)
        .matcher(java.nio.file.Files.readString(Path.of("docs/metrics.md")));
    int count = 0;
    while (documented.find()) {
      count++;
      assertThat(metrics).as("scrape has %s", documented.group(1))
          .containsPattern("(?m)^" + documented.group(1) + "[{ ]");
    }
    assertThat(count).isGreaterThan(15);
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    // The default (aims.security.metrics.access=open): metrics and probes need no credentials, the API does.
    assertThat(anonymous("/actuator/prometheus").statusCode()).isEqualTo(200);
    assertThat(anonymous("/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(anonymous("/api/findings").statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> anonymous(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void badRequestsGetProblemDetailsNamingTheParameter() throws Exception {
    HttpResponse<String> badSeverity = get("/api/findings?severity=urgent");
    assertThat(badSeverity.statusCode()).isEqualTo(400);
    assertThat(badSeverity.body()).contains("unknown severity 'urgent'");
    assertThat(get("/api/findings?limit=100000").statusCode()).isEqualTo(400);
    assertThat(get("/api/findings/' OR 1=1 --".replace(" ", "%20").replace("'", "%27")).statusCode()).isEqualTo(400);
    assertThat(get("/api/findings/0123456789abcdef0123456789abcdef").statusCode()).isEqualTo(404);
    assertThat(get("/api/connectors/nope/runs").statusCode()).isEqualTo(404);
  }
}
