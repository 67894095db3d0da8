package io.aimsmonitor.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.testing.Workbench;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code serve} with a live pack, a shadow pack and two broken shadow packs: the shadow pack's
 * violations are in /api/rules/shadow (new ones told from what the live pack already finds) and in
 * its own metric, and never become findings, control status, {@code aims_findings*} series or
 * anything the shipped alerts read; the broken packs are rejected like any pack and the live pack
 * runs as before.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", "aims.rules.reload-interval=1h",
        TestAccess.ADMIN_PASSWORD_PROPERTY})
class ShadowModeServeTest {

  /** A candidate revision of the live rule (same id: production models need two owners) plus a new rule. */
  static final String CANDIDATE = """
      package test.candidate;
      import io.aimsmonitor.fact.ModelVersion;
      global io.aimsmonitor.rules.Violations violations;
      rule "test.production-has-owner"
        @control("A.3.2") @severity("high") @title("Production model has two owners") @remediation("Add owners.")
      when
        $m : ModelVersion( production, owners.size() < 2 )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " v" + $m.version() + " has fewer than two owners.");
      end
      rule "candidate.production-is-documented"
        @control("A.6.2.7") @severity("critical") @title("Production model is documented") @remediation("Document it.")
      when
        $m : ModelVersion( production )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " v" + $m.version() + " has no documentation.");
      end
      """;

  @TempDir
  static Path root;

  @DynamicPropertySource
  static void folders(DynamicPropertyRegistry registry) throws Exception {
    Path connectors = Files.createDirectories(root.resolve("connectors"));
    Files.createDirectories(root.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(root.resolve("inventory/models.yaml"), Workbench.model("churn", "4", "[]")
        + Workbench.model("fraud", "2", "[alice]"));
    Path live = Files.createDirectories(root.resolve("rules/live"));
    Files.writeString(live.resolve("pack.yaml"), "name: live\n");
    Files.writeString(live.resolve("rules.drl"), Workbench.OWNER_RULE);
    Path candidate = Files.createDirectories(root.resolve("rules/candidate"));
    Files.writeString(candidate.resolve("pack.yaml"), "name: candidate\nshadow: true\n");
    Files.writeString(candidate.resolve("rules.drl"), CANDIDATE);
    Path broken = Files.createDirectories(root.resolve("rules/broken"));
    Files.writeString(broken.resolve("pack.yaml"), "name: broken\nshadow: true\n");
    Files.writeString(broken.resolve("rules.drl"), "package test.broken;\nrule \"x\" when then nonsense( end\n");
    Path badFlag = Files.createDirectories(root.resolve("rules/bad-flag"));
    Files.writeString(badFlag.resolve("pack.yaml"), "name: bad-flag\nshadow: maybe\n");
    Files.writeString(badFlag.resolve("rules.drl"), CANDIDATE.replace("test.candidate", "test.badflag")
        .replace("\"test.production-has-owner\"", "\"badflag.owner\"").replace("candidate.production", "badflag.production"));
    Workbench.serveFrom(registry, root);
  }

  @LocalServerPort
  int port;

  private final JsonMapper json = JsonMapper.builder().build();

  private HttpResponse<String> get(String path) throws Exception {
    return TestAccess.sendAsAdmin(port, "GET", path);
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return json.readTree(response.body());
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

  private List<String> series(String prefix) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : get("/actuator/prometheus").body().split("\n")) {
      if (line.startsWith(prefix)) {
        out.add(line);
      }
    }
    return out;
  }

  @Test
  void aShadowPackIsReportedButCreatesNoFindingsStatusMetricsOrAlerts() throws Exception {
    // the first evaluation may run before the first collection: wait for one over the models
    await("a shadow evaluation over the collected models",
        () -> getJson("/api/rules/shadow").get("packs").get(0).path("violations").asInt() == 4);

    JsonNode packs = getJson("/api/rules/shadow").get("packs");
    assertThat(packs).hasSize(1);
    JsonNode candidate = packs.get(0);
    assertThat(candidate.get("name").asString()).isEqualTo("candidate");
    assertThat(candidate.get("evaluation").asString()).isEqualTo("ok");
    assertThat(candidate.get("violations").asInt()).isEqualTo(4);
    // churn's owner violation is already an open finding of the live rule; the other three are new
    assertThat(candidate.get("newViolations").asInt()).isEqualTo(3);
    List<String> seen = new ArrayList<>();
    for (JsonNode item : candidate.get("items")) {
      JsonNode v = item.get("violation");
      seen.add(v.get("ruleId").asString() + " " + v.get("subjectName").asString() + " " + v.get("severity").asString()
          + " " + v.get("controls").get(0).asString() + " " + item.get("alreadyFound").asBoolean());
    }
    assertThat(seen).containsExactlyInAnyOrder(
        "candidate.production-is-documented churn v4 critical A.6.2.7 false",
        "candidate.production-is-documented fraud v2 critical A.6.2.7 false",
        "test.production-has-owner churn v4 high A.3.2 true",
        "test.production-has-owner fraud v2 high A.3.2 false");
    assertThat(candidate.get("history").get(0).get("violationCount").asInt()).isEqualTo(4);
    assertThat(getJson("/api/rules/shadow/candidate?limit=1").get("items")).hasSize(1);
    assertThat(get("/api/rules/shadow/live").statusCode()).isEqualTo(404);
    assertThat(get("/api/rules/shadow/candidate?limit=100000").statusCode()).isEqualTo(400);

    // backtest through the API: one result per day, today's over the snapshot in force now
    JsonNode backtest = getJson("/api/rules/shadow/candidate/backtest?days=2&limit=2");
    assertThat(backtest.get("complete").asBoolean()).isTrue();
    assertThat(backtest.get("results")).hasSize(2);
    JsonNode today = backtest.get("results").get(1);
    assertThat(today.get("status").asString()).isEqualTo("ok");
    assertThat(today.get("violations").asInt()).isEqualTo(4);
    assertThat(today.get("items")).hasSize(2);
    assertThat(get("/api/rules/shadow/candidate/backtest?days=0").statusCode()).isEqualTo(400);
    assertThat(get("/api/rules/shadow/candidate/backtest?days=31").body()).contains("aims.shadow.backtest-max-days");
    assertThat(get("/api/rules/shadow/nope/backtest?days=1").statusCode()).isEqualTo(404);

    // no finding: only the live pack's one
    JsonNode findings = getJson("/api/findings?status=open");
    assertThat(findings.get("total").asInt()).isEqualTo(1);
    assertThat(findings.toString()).contains("Model churn v4 has no owner.").doesNotContain("documentation")
        .doesNotContain("two owners");

    // no control status: A.6.2.7 is decided by no live rule, whatever the shadow pack finds
    for (JsonNode row : getJson("/api/controls").get("controls")) {
      assertThat(row.get("rules").toString()).doesNotContain("candidate.");
      if (row.get("id").asString().equals("A.6.2.7")) {
        assertThat(row.get("status").asString()).isNotEqualTo("non_compliant");
        assertThat(row.get("openFindings").asLong()).isZero();
      }
    }

    // metrics: its own series; none of the findings series (which the shipped alerts read) knows it
    assertThat(series("aims_shadow_violations{")).containsExactly("aims_shadow_violations{pack=\"candidate\"} 4.0");
    assertThat(series("aims_shadow_evaluation_failed{")).containsExactly("aims_shadow_evaluation_failed{pack=\"candidate\"} 0.0");
    List<String> findingSeries = new ArrayList<>(series("aims_findings"));
    findingSeries.addAll(series("aims_finding_events"));
    findingSeries.addAll(series("aims_rules_loaded"));
    assertThat(findingSeries).isNotEmpty().noneMatch(s -> s.contains("candidate"));
    assertThat(series("aims_findings_open{")).hasSize(1);
    for (String alerts : List.of("monitoring/prometheus/aims-alerts.yaml", "helm/aims-monitor/files/aims-alerts.yaml")) {
      assertThat(Files.readString(Path.of(alerts))).doesNotContain("aims_shadow");
    }

    // the pack listing shows which packs are shadow; broken shadow packs are rejected like any pack
    JsonNode rules = getJson("/api/rules");
    List<String> listed = new ArrayList<>();
    rules.get("packs").forEach(p -> listed.add(p.get("name").asString() + " shadow=" + p.get("shadow").asBoolean()
        + " " + p.path("evaluation").asString("")));
    assertThat(listed).containsExactly("candidate shadow=true ok", "live shadow=false ok");
    List<String> rejected = new ArrayList<>();
    rules.get("rejected").forEach(r -> rejected.add(r.get("pack").asString() + ": " + r.get("problems").toString()));
    assertThat(rejected).hasSize(2);
    assertThat(rejected).anyMatch(r -> r.startsWith("bad-flag: ") && r.contains("shadow: expected true or false, got 'maybe'"));
    assertThat(rejected).anyMatch(r -> r.startsWith("broken: "));
  }
}
