package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.testing.Workbench;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rule packs reload while the service runs, by file change and by POST /api/rules/reload; a
 * broken pack is rejected with its compiler messages and the last good version keeps running.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", "aims.rules.reload-interval=200ms",
        TestAccess.ADMIN_PASSWORD_PROPERTY})
class RuleReloadWhileServingTest {

  @TempDir
  static Path root;

  @DynamicPropertySource
  static void folders(DynamicPropertyRegistry registry) throws Exception {
    Path connectors = Files.createDirectories(root.resolve("connectors"));
    Files.createDirectories(root.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(root.resolve("inventory/models.yaml"), Workbench.model("churn", "4", "[]"));
    Path pack = Files.createDirectories(root.resolve("rules/test-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
    Files.writeString(pack.resolve("rules.drl"), Workbench.OWNER_RULE);
    Workbench.serveFrom(registry, root);
  }

  @LocalServerPort
  int port;

  private final JsonMapper json = JsonMapper.builder().build();

  private HttpResponse<String> send(String method, String path) throws Exception {
    return TestAccess.sendAsAdmin(port, method, path);
  }

  private JsonNode rules() throws Exception {
    return json.readTree(send("GET", "/api/rules").body());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void brokenPackIsRejectedAndTheLastGoodOneKeepsRunning() throws Exception {
    String goodVersion = rules().get("packs").get(0).get("contentHash").asString();
    Path drl = root.resolve("rules/test-pack/rules.drl");

    Files.writeString(drl, Workbench.OWNER_RULE.replace("@control(\"A.3.2\")", "@control(\"A.3.2, Z.1\")"));
    HttpResponse<String> reload = send("POST", "/api/rules/reload");
    assertThat(reload.statusCode()).isEqualTo(422);
    assertThat(reload.body()).contains("rules.drl").contains("test.production-has-owner").contains("unknown control id 'Z.1'");
    JsonNode after = rules();
    assertThat(after.get("packs").get(0).get("contentHash").asString()).isEqualTo(goodVersion);
    assertThat(after.get("rejected").get(0).get("pack").asString()).isEqualTo("test-pack");
    assertThat(send("GET", "/actuator/prometheus").body()).contains("aims_rule_pack_rejected{pack=\"test-pack\"} 1");

    // Fixing the file is picked up by the poll, without calling the API.
    Files.writeString(drl, Workbench.OWNER_RULE.replace("@severity(\"high\")", "@severity(\"critical\")"));
    await("the fixed pack to load", () -> {
      try {
        JsonNode now = rules();
        return now.get("rejected").isEmpty() && !now.get("packs").get(0).get("contentHash").asString().equals(goodVersion);
      } catch (Exception e) {
        return false;
      }
    });
    // Both reloads are in the audit log: the API's by the admin, the poll's by the file watcher, each with
    // every pack's version before and after.
    await("the poll's reload in the audit log", () -> {
      try {
        JsonNode newest = json.readTree(send("GET", "/api/audit?action=rules.reload").body()).get("items").get(0);
        return newest.get("after").get("rejected").isEmpty();
      } catch (Exception e) {
        return false;
      }
    });
    JsonNode reloads = json.readTree(send("GET", "/api/audit?action=rules.reload").body()).get("items");
    JsonNode byPoll = reloads.get(0);
    assertThat(byPoll.get("actor").asString()).isEqualTo("system:file-watch");
    assertThat(byPoll.get("clientAddress").isNull()).as("no request behind it").isTrue();
    assertThat(byPoll.get("before").get("test-pack").asString()).isEqualTo(goodVersion);
    assertThat(byPoll.get("after").get("test-pack").asString()).isNotEqualTo(goodVersion)
        .isEqualTo(rules().get("packs").get(0).get("contentHash").asString());
    assertThat(byPoll.get("after").get("rejected")).isEmpty();
    // The poll may also have seen the broken file before the API call did (its own rejected reload), so the
    // API's entry is found by its actor, not by its position.
    JsonNode byApi = null;
    for (JsonNode entry : reloads) {
      if (!"system:file-watch".equals(entry.get("actor").asString())) {
        byApi = entry;
        break;
      }
    }
    assertThat(byApi).as("the API's reload in the audit log").isNotNull();
    assertThat(byApi.get("actor").asString()).isEqualTo("admin");
    assertThat(byApi.get("after").get("rejected").get(0).asString()).isEqualTo("test-pack");
    assertThat(byApi.get("after").get("test-pack").asString()).as("the last good version stays").isEqualTo(goodVersion);

    // ... and re-evaluated: the open finding now carries the new severity.
    await("re-evaluation with the new severity", () -> {
      try {
        return send("GET", "/api/findings?severity=critical").body().contains("\"total\":1");
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void runNowIsAcceptedForAnEnabledInstanceAndRefusedForAnUnknownOne() throws Exception {
    assertThat(send("POST", "/api/connectors/inventory/run").statusCode()).isEqualTo(202);
    assertThat(send("POST", "/api/connectors/nope/run").statusCode()).isEqualTo(404);
  }
}
