package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.HostilePacks;
import io.aimsmonitor.testing.Workbench;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.aimsmonitor.testing.TestAccess;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code serve} with a looping pack, an endless consequence and a fact-flooding pack next to a
 * good one: every hostile pack is stopped by its guard and shown as failed (API, metrics), the
 * good pack's findings are there, health stays UP, and later evaluations still run.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", "aims.rules.reload-interval=1h",
        TestAccess.ADMIN_PASSWORD_PROPERTY})
class HostileRulePacksServeTest {

  @TempDir
  static Path root;

  @DynamicPropertySource
  static void folders(DynamicPropertyRegistry registry) throws Exception {
    Path connectors = Files.createDirectories(root.resolve("connectors"));
    Files.createDirectories(root.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(root.resolve("inventory/models.yaml"), Workbench.model("churn", "4", "[]"));
    Path good = Files.createDirectories(root.resolve("rules/good"));
    Files.writeString(good.resolve("pack.yaml"), "name: good\n");
    Files.writeString(good.resolve("rules.drl"), Workbench.OWNER_RULE);
    for (HostilePacks hostile : HostilePacks.values()) {
      hostile.write(root.resolve("rules"));
    }
    Workbench.serveFrom(registry, root);
  }

  @LocalServerPort
  int port;

  private final JsonMapper json = JsonMapper.builder().build();

  private HttpResponse<String> send(String method, String path) throws Exception {
    return TestAccess.sendAsAdmin(port, method, path);
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private double metric(String series) throws Exception {
    for (String line : send("GET", "/actuator/prometheus").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series);
  }

  private double evaluations() throws Exception {
    for (String line : send("GET", "/actuator/prometheus").body().split("\n")) {
      if (line.startsWith("aims_evaluations_total ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void hostilePacksFailAloneAndTheServiceStaysHealthyAndKeepsEvaluating() throws Exception {
    // The first evaluation may run before the first collection (over no facts, where nothing fires).
    await("an evaluation over the collected facts", () -> {
      for (JsonNode pack : json.readTree(send("GET", "/api/rules").body()).get("packs")) {
        if (pack.get("name").asString().startsWith("hostile-") && !pack.path("evaluation").asString("").matches(
            "failed|quarantined")) {
          return false;
        }
      }
      return true;
    });

    JsonNode packs = json.readTree(send("GET", "/api/rules").body()).get("packs");
    for (JsonNode pack : packs) {
      String name = pack.get("name").asString();
      if (name.equals("good")) {
        assertThat(pack.get("evaluation").asString()).isEqualTo("ok");
        continue;
      }
      HostilePacks hostile = HostilePacks.valueOf(name.substring("hostile-".length()).toUpperCase(java.util.Locale.ROOT));
      assertThat(pack.get("evaluation").asString()).isIn("failed", "quarantined");
      assertThat(pack.get("lastFailure").get("guard").asString()).isEqualTo(hostile.guard);
      assertThat(pack.get("lastFailure").get("rule").asString()).isEqualTo(hostile.rule);
      assertThat(pack.get("limits").get("maxFirings").asLong()).isEqualTo(1000);
    }
    assertThat(send("GET", "/api/findings?status=open").body()).contains("\"total\":1").contains("Model churn v4 has no owner.");
    assertThat(send("GET", "/actuator/health").body()).contains("\"status\":\"UP\"");
    assertThat(metric("aims_rule_pack_evaluation_failed{pack=\"hostile-looping\"}")).isEqualTo(1);
    assertThat(metric("aims_rule_pack_evaluation_failed{pack=\"good\"}")).isEqualTo(0);
    assertThat(metric("aims_rule_pack_guard_trips_total{guard=\"firings\",pack=\"hostile-looping\"}")).isGreaterThanOrEqualTo(1);
    assertThat(metric("aims_rule_pack_guard_trips_total{guard=\"inserted_facts\",pack=\"hostile-inserting\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metric("aims_rule_pack_guard_trips_total{guard=\"timeout\",pack=\"hostile-endless\"}")).isGreaterThanOrEqualTo(1);
    assertThat(metric("aims_rule_pack_guard_trips_total{guard=\"firings\",pack=\"good\"}")).isEqualTo(0);

    // Later evaluations still run (the endless pack is quarantined, not started again).
    double before = evaluations();
    assertThat(send("POST", "/api/connectors/inventory/run").statusCode()).isEqualTo(202);
    await("another evaluation", () -> evaluations() > before);
    assertThat(send("GET", "/actuator/health").body()).contains("\"status\":\"UP\"");
    JsonNode endless = null;
    for (JsonNode pack : json.readTree(send("GET", "/api/rules").body()).get("packs")) {
      if (pack.get("name").asString().equals(HostilePacks.ENDLESS.pack())) {
        endless = pack;
      }
    }
    // Quarantined once its consequence was running when the budget ran out (on a loaded machine the
    // budget can end before the consequence starts: then it is stopped cleanly and tried again).
    assertThat(endless.get("evaluation").asString()).isIn("failed", "quarantined");
  }
}
