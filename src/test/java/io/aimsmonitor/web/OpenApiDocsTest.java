package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.web.api.FindingParameters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import io.aimsmonitor.testing.TestAccess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The served OpenAPI description lists every findings filter, and its browsable page loads. */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.enabled=false", "spring.quartz.auto-startup=false", TestAccess.ADMIN_PASSWORD_PROPERTY})
class OpenApiDocsTest {

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("aims.data-dir", () -> data.toString());
  }

  @LocalServerPort
  int port;

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(TestAccess.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void describesTheFindingsFiltersAndPaging() throws Exception {
    HttpResponse<String> docs = get("/v3/api-docs");
    assertThat(docs.statusCode()).isEqualTo(200);
    JsonNode api = JsonMapper.builder().build().readTree(docs.body());
    assertThat(api.get("openapi").asString()).startsWith("3.");
    JsonNode list = api.get("paths").get("/api/findings").get("get");
    List<String> names = new ArrayList<>();
    list.get("parameters").forEach(p -> names.add(p.get("name").asString()));
    FindingParameters.FILTERS.forEach(f -> assertThat(names).contains(f.name()));
    assertThat(names).contains("sort", "limit", "cursor").doesNotContain("query");
    assertThat(api.get("paths").has("/api/findings/{id}")).isTrue();
    assertThat(api.get("paths").has("/api/controls")).isTrue();
  }

  @Test
  void servesABrowsablePage() throws Exception {
    HttpResponse<String> page = get("/swagger-ui.html");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("swagger-ui");
    assertThat(get("/swagger-ui/swagger-initializer.js").body()).contains("/v3/api-docs");
  }
}
