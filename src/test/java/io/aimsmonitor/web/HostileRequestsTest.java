package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile and malformed request bodies against the running service (the bundled demo, so there
 * are findings to act on): an oversized body on every JSON endpoint is a 413 problem detail, found
 * by walking the endpoints rather than listing them, so a new endpoint is covered the day it is
 * added; broken JSON and fields of the wrong type are 400 problem details naming the field; and
 * markup or SQL in a comment is stored and returned as the text it is, changing nothing else.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {TestAccess.ADMIN_PASSWORD_PROPERTY, "aims.api.max-json-body=4KB"})
class HostileRequestsTest {

  static final int LIMIT = 4 * 1024;
  static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("aims.data-dir", () -> data.toString());
  }

  @LocalServerPort
  int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  String findingId;

  @BeforeEach
  void aFindingToActOn() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (findingId == null) {
      JsonNode items = JSON.readTree(send("GET", "/api/findings?status=open&limit=1", null).body()).path("items");
      if (!items.isEmpty()) {
        findingId = items.get(0).get("id").asString();
      } else if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the demo produced no open finding within 2 minutes");
      } else {
        Thread.sleep(200);
      }
    }
  }

  private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
    HttpRequest.Builder request = TestAccess.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)))
        .timeout(Duration.ofSeconds(30));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> sendJson(String method, String path, String json) throws Exception {
    return send(method, path, HttpRequest.BodyPublishers.ofString(json));
  }

  /** Every handler method that reads a JSON body, with a concrete path for each of its patterns. */
  private List<String[]> jsonEndpoints() {
    List<String[]> endpoints = new ArrayList<>();
    for (var entry : mappings.getHandlerMethods().entrySet()) {
      RequestMappingInfo info = entry.getKey();
      HandlerMethod handler = entry.getValue();
      boolean readsBody = Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.hasParameterAnnotation(RequestBody.class));
      if (!readsBody || info.getPathPatternsCondition() == null) {
        continue;
      }
      for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
        if (pattern.startsWith(JsonBodyLimitFilter.LINEAGE_PATH)) {
          continue; // its own per-source limit, same 413 answer: docs/lineage.md and the lineage tests
        }
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.POST) : methods) {
          endpoints.add(new String[] {method.name(), pattern.replaceAll("\\{[^}]+}", findingId)});
        }
      }
    }
    return endpoints;
  }

  @Test
  void anOversizedBodyOnEveryJsonEndpointIsA413ProblemDetail() throws Exception {
    List<String[]> endpoints = jsonEndpoints();
    assertThat(endpoints).as("JSON endpoints found").hasSizeGreaterThanOrEqualTo(10);
    String oversized = "{\"text\":\"" + "x".repeat(LIMIT) + "\"}";
    for (String[] endpoint : endpoints) {
      HttpResponse<String> r = sendJson(endpoint[0], endpoint[1], oversized);
      assertThat(r.statusCode()).as("%s %s", endpoint[0], endpoint[1]).isEqualTo(413);
      assertProblem(r, 413);
      assertThat(r.body()).contains("aims.api.max-json-body");
    }
  }

  @Test
  void anOversizedChunkedBodyIsRefusedOnceItPassesTheLimit() throws Exception {
    byte[] body = ("{\"text\":\"" + "y".repeat(LIMIT * 3) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = send("POST", "/api/findings/" + findingId + "/comments",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))); // no length: chunked
    assertThat(r.statusCode()).isEqualTo(413);
    assertProblem(r, 413);
  }

  @Test
  void brokenJsonAndWrongTypesAre400ProblemDetailsNamingTheField() throws Exception {
    String comments = "/api/findings/" + findingId + "/comments";
    HttpResponse<String> broken = sendJson("POST", comments, "{\"text\": ");
    assertProblem(broken, 400);
    assertThat(JSON.readTree(broken.body()).get("detail").asString()).startsWith("the request body is not valid JSON");

    HttpResponse<String> wrongType = sendJson("POST", "/api/findings/" + findingId + "/due-date", "{\"dueAt\": \"next tuesday\"}");
    assertProblem(wrongType, 400);
    assertThat(JSON.readTree(wrongType.body()).get("field").asString()).isEqualTo("dueAt");
    assertThat(JSON.readTree(wrongType.body()).get("detail").asString()).contains("'dueAt'");

    HttpResponse<String> nested = sendJson("POST", "/api/findings/bulk", "{\"filter\": {\"ids\": {\"a\": 1}}, \"action\": \"acknowledge\"}");
    assertProblem(nested, 400);
    assertThat(JSON.readTree(nested.body()).get("field").asString()).isEqualTo("filter.ids");

    assertProblem(sendJson("POST", comments, "[]"), 400);
    assertProblem(sendJson("POST", comments, ""), 400);
    assertProblem(send("POST", comments, HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})), 400);
  }

  @Test
  void markupAndSqlInACommentAreStoredAndReturnedAsText() throws Exception {
    String hostile = "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>'; DROP TABLE finding_event; --"
        + " \" OR \"1\"=\"1 \u0000 %zz ${jndi:ldap://127.0.0.1/x}";
    long before = JSON.readTree(send("GET", "/api/findings?limit=1", null).body()).get("total").asLong();
    HttpResponse<String> posted = sendJson("POST", "/api/findings/" + findingId + "/comments",
        JSON.writeValueAsString(java.util.Map.of("text", hostile)));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

    HttpResponse<String> detail = send("GET", "/api/findings/" + findingId, null);
    assertThat(detail.statusCode()).isEqualTo(200);
    assertThat(detail.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    assertThat(detail.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    List<String> texts = new ArrayList<>();
    JSON.readTree(detail.body()).get("history").forEach(e -> texts.add(e.path("detail").asString("")));
    assertThat(texts).anySatisfy(t -> assertThat(t).contains(hostile));
    // the SQL did nothing: the findings and their history are all still there
    assertThat(JSON.readTree(send("GET", "/api/findings?limit=1", null).body()).get("total").asLong()).isEqualTo(before);
    assertThat(JSON.readTree(detail.body()).get("history").size()).isGreaterThan(1);
  }

  @Test
  void injectionAttemptsInFiltersMatchNothingAndBreakNothing() throws Exception {
    // exact-match filters: LIKE wildcards and SQL are literal values that name nothing
    List<String> attempts = List.of("x' OR '1'='1", "%", "_", "A.6.2.6' UNION SELECT * FROM users--",
        "<script>alert(1)</script>");
    for (String attempt : attempts) {
      for (String filter : List.of("rule", "control", "pack", "source", "owner")) {
        assertMatchesNothing(filter, attempt);
      }
    }
    // the substring filter: wildcards are escaped, so runs of them match only themselves (found nowhere)
    for (String attempt : List.of("%%%%", "_x_x_x_", "!%!%", "') OR 1=1 --")) {
      assertMatchesNothing("text", attempt);
    }
    assertThat(send("GET", "/api/findings?limit=1", null).statusCode()).isEqualTo(200);
  }

  private void assertMatchesNothing(String filter, String attempt) throws Exception {
    String encoded = java.net.URLEncoder.encode(attempt, StandardCharsets.UTF_8);
    HttpResponse<String> r = send("GET", "/api/findings?" + filter + "=" + encoded, null);
    assertThat(r.statusCode()).as("%s=%s: %s", filter, attempt, r.body()).isIn(200, 400);
    if (r.statusCode() == 200) {
      assertThat(JSON.readTree(r.body()).get("total").asLong()).as("%s=%s", filter, attempt).isZero();
    } else {
      assertProblem(r, 400);
    }
  }

  private static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(r.body()).doesNotContain("<html").doesNotContain("Exception").doesNotContain("at io.aimsmonitor")
        .contains("\"status\":" + status);
  }
}
