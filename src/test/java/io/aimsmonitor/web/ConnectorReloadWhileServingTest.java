package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connector files reload while the service runs, like rule packs: an added file is scheduled and
 * collected, a changed one rescheduled, a removed one unscheduled, and a file made invalid is
 * rejected with its previous version kept and the problem shown in /api/connectors.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", "aims.rules.reload-interval=200ms",
        TestAccess.ADMIN_PASSWORD_PROPERTY})
class ConnectorReloadWhileServingTest {

  @TempDir
  static Path root;

  @DynamicPropertySource
  static void folders(DynamicPropertyRegistry registry) throws Exception {
    Path connectors = Files.createDirectories(root.resolve("connectors"));
    Files.createDirectories(root.resolve("inventory"));
    Files.createDirectories(root.resolve("second"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(root.resolve("inventory/models.yaml"), Workbench.model("churn", "4", "[]"));
    Files.writeString(root.resolve("second/models.yaml"), Workbench.model("fraud", "7", "[]"));
    Path pack = Files.createDirectories(root.resolve("rules/test-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
    Files.writeString(pack.resolve("rules.drl"), Workbench.OWNER_RULE);
    Workbench.serveFrom(registry, root);
  }

  @LocalServerPort
  int port;

  private final JsonMapper json = JsonMapper.builder().build();

  private String get(String path) throws Exception {
    return TestAccess.sendAsAdmin(port, "GET", path).body();
  }

  private JsonNode connector(String id) throws Exception {
    for (JsonNode c : json.readTree(get("/api/connectors"))) {
      if (c.get("id").asString().equals(id)) {
        return c;
      }
    }
    return null;
  }

  private JsonNode await(String what, String id, Predicate<JsonNode> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      JsonNode c = connector(id);
      if (condition.test(c)) {
        return c;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what + "; /api/connectors: " + get("/api/connectors"));
      }
      Thread.sleep(100);
    }
  }

  @Test
  void addedChangedInvalidAndRemovedFilesTakeEffectWhileServing() throws Exception {
    Path dir = root.resolve("connectors");

    // added: scheduled and collected, its finding appears
    Files.writeString(dir.resolve("second.yaml"), "id: second\ntype: file\noptions:\n  paths: [../second]\n");
    await("the added instance to be collected", "second", c -> c != null && !c.get("lastRun").isNull()
        && c.get("nextRunAt") != null && !c.get("nextRunAt").isNull());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!get("/api/findings?status=open").contains("second:fraud/7")) {
      assertThat(Instant.now()).as("a finding from the added source").isBefore(deadline);
      Thread.sleep(100);
    }

    // changed: rescheduled on the new cron
    Files.writeString(dir.resolve("second.yaml"),
        "id: second\ntype: file\nschedule: \"0 0 5 * * ?\"\noptions:\n  paths: [../second]\n");
    await("the changed schedule", "second", c -> c != null && c.get("schedule").asString().equals("0 0 5 * * ?"));

    // changed into something invalid: rejected, the previous version stays, the error is shown
    Files.writeString(dir.resolve("inventory.yaml"),
        "id: inventory\ntype: file\nschedule: every hour\noptions:\n  paths: [../inventory]\n");
    JsonNode kept = await("the rejection", "inventory", c -> c != null && c.get("configError") != null
        && !c.get("configError").isNull());
    assertThat(kept.get("configError").toString()).contains("inventory.yaml: schedule: not a Quartz cron expression");
    assertThat(kept.get("schedule").asString()).as("the previous version stays in force").isEqualTo("0 0 * * * ?");
    assertThat(kept.get("enabled").asBoolean()).isTrue();

    // a new file that is invalid: rejected and shown, nothing scheduled
    Files.writeString(dir.resolve("broken.yaml"), "id: broken\ntype: mlfow\n");
    JsonNode broken = await("the new broken file", "broken", c -> c != null);
    assertThat(broken.get("configError").toString()).contains("broken.yaml: type: unknown connector type 'mlfow'");
    assertThat(broken.get("enabled").asBoolean()).isFalse();

    // removed: unscheduled and gone
    Files.delete(dir.resolve("second.yaml"));
    await("the removed instance to disappear", "second", c -> c == null);

    // every reload the file poll made is audited, by the file watcher, with the instances before and after
    Instant auditDeadline = Instant.now().plus(Duration.ofSeconds(30));
    JsonNode reloads;
    while (true) {
      reloads = json.readTree(get("/api/audit?action=connectors.reload&actor=system:file-watch")).get("items");
      if (reloads.size() > 0 && reloads.get(0).get("after").get("removed").toString().contains("second")) {
        break;
      }
      assertThat(Instant.now()).as("the removal in the audit log").isBefore(auditDeadline);
      Thread.sleep(100);
    }
    assertThat(reloads.get(0).get("before").get("instances").toString()).contains("second");
    assertThat(reloads.get(0).get("after").get("instances").toString()).doesNotContain("second");
    assertThat(reloads.toString()).contains("\"added\":[\"second\"]").contains("inventory.yaml")
        .contains("broken.yaml");
  }
}
