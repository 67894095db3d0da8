package io.aimsmonitor.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.AiSystemProperties;
import io.aimsmonitor.review.ExportWaivers;
import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.WorkflowScenario;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * The workflow, waiver and AI-system endpoints over a real store in four-eyes mode, with the
 * acting person taken from the request's principal: the requester of a waiver cannot approve it,
 * every action lands in the finding's history with its actor, and bad requests get problem details.
 */
class ReviewApiTest {

  static final String FRAUD7 = Finding.idOf("test.production-approved", "inventory:fraud/7");
  static final String CHURN_OWNER = Finding.idOf("test.production-has-owner", "inventory:churn/4");

  @TempDir
  Path dir;

  MockMvc mvc;
  MutableClock clock;
  AuditLog audit;
  Workbench bench;
  final JsonMapper json = JsonMapper.builder().build();

  @BeforeEach
  void setUp() {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    TestStore store = TestStore.on(data);
    clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    bench = Workbench.withReview(dir, store, data, clock, ReviewProperties.defaults().withFourEyes(true));
    bench.writePack("test-pack", WorkflowScenario.PACK);
    bench.ruleBook.reload();
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]"));
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
    AiSystemInventory inventory = new AiSystemInventory(AiSystemProperties.defaults(), bench.monitor::latestFacts,
        store.findings(), ControlCatalog.bundled(), () -> bench.ruleBook.rules().values(), bench.monitor::staleRules);
    FindingsController findings = new FindingsController(store.findings(), ControlCatalog.bundled(), bench.review, inventory);
    audit = new AuditLog(new org.springframework.jdbc.core.JdbcTemplate(data), clock);
    mvc = MockMvcBuilders.standaloneSetup(findings,
            new FindingActionsController(bench.review, store.findings(), findings, audit),
            new WaiversController(bench.review, clock, audit), new AiSystemsController(inventory),
            new FindingExportController(store.findings(), ControlCatalog.bundled(), bench.ruleBook,
                new Exporter(new ExportWaivers(() -> bench.review, clock), null, "test", clock), inventory))
        .setControllerAdvice(new ApiErrors()).build();
  }

  static Principal as(String name) {
    return () -> name;
  }

  static MockHttpServletRequestBuilder postJson(String path, String body, String who) {
    MockHttpServletRequestBuilder b = post(path).contentType(MediaType.APPLICATION_JSON).content(body);
    return who == null ? b : b.principal(as(who));
  }

  @Test
  void fourEyesOverTheApiTheRequesterCannotApproveAnotherReviewerCan() throws Exception {
    String expires = clock.instant().plus(Duration.ofDays(60)).toString();
    String body = mvc.perform(postJson("/api/waivers", """
            {"findingId": "%s", "justification": "Approved by the risk committee on 2026-10-30.", "expiresAt": "%s"}
            """.formatted(FRAUD7, expires), "alice"))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.state").value("pending"))
        .andExpect(jsonPath("$.requestedBy").value("alice"))
        .andExpect(jsonPath("$.origin").value("api"))
        .andReturn().getResponse().getContentAsString();
    String id = body.replaceAll("(?s).*\"id\":\"(W-[0-9a-f]{12})\".*", "$1");
    mvc.perform(get("/api/findings").param("status", "waived")).andExpect(jsonPath("$.total").value(0));

    mvc.perform(post("/api/waivers/" + id + "/approve").principal(as("alice")))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.detail").value(containsString("requested by alice, who cannot also approve it")));
    mvc.perform(post("/api/waivers/" + id + "/approve"))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.detail").value(containsString("needs an authenticated approver")));
    mvc.perform(post("/api/waivers/" + id + "/approve").principal(as("bob")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("active"))
        .andExpect(jsonPath("$.approvedBy").value("bob"))
        .andExpect(jsonPath("$.coveredFindings").value(1));

    mvc.perform(get("/api/findings").param("status", "waived"))
        .andExpect(jsonPath("$.items[*].id").value(hasItem(FRAUD7)))
        .andExpect(jsonPath("$.items[0].workflow.state").value("waived"))
        .andExpect(jsonPath("$.items[0].workflow.waiver.id").value(id))
        .andExpect(jsonPath("$.items[0].ruleId").value("test.production-approved"));
    mvc.perform(get("/api/findings").param("status", "open"))
        .andExpect(jsonPath("$.items[*].id").value(not(hasItem(FRAUD7))));
    mvc.perform(get("/api/findings/" + FRAUD7))
        .andExpect(jsonPath("$.workflow.state").value("waived"))
        .andExpect(jsonPath("$.history[?(@.type == 'WAIVER_REQUESTED')].actor").value(hasItem("alice")))
        .andExpect(jsonPath("$.history[?(@.type == 'WAIVED')].actor").value(hasItem("bob")));
    mvc.perform(get("/api/waivers").param("state", "active")).andExpect(jsonPath("$", hasSize(1)));

    mvc.perform(postJson("/api/waivers/" + id + "/revoke", "{\"reason\": \"Committee withdrew approval.\"}", "carol"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("revoked"))
        .andExpect(jsonPath("$.revokedBy").value("carol"));
    mvc.perform(get("/api/findings/" + FRAUD7)).andExpect(jsonPath("$.workflow.state").value("open"))
        .andExpect(jsonPath("$.history[?(@.type == 'UNWAIVED')].actor").value(hasItem("carol")));
  }

  @Test
  void everyActionIsAnEventWithItsActor() throws Exception {
    mvc.perform(postJson("/api/findings/" + CHURN_OWNER + "/acknowledge", "{\"note\": \"seen\"}", "alice"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.acknowledgedBy").value("alice"));
    mvc.perform(postJson("/api/findings/" + CHURN_OWNER + "/assign", "{\"assignee\": \"growth-team\"}", "alice"))
        .andExpect(jsonPath("$.assignee").value("growth-team")).andExpect(jsonPath("$.assigneeSource").value("explicit"));
    mvc.perform(postJson("/api/findings/" + CHURN_OWNER + "/comments", "{\"text\": \"Owner set next sprint.\"}", "bob"))
        .andExpect(status().isCreated());
    mvc.perform(postJson("/api/findings/" + CHURN_OWNER + "/due-date", "{\"dueAt\": \"2026-11-20T00:00:00Z\"}", "alice"))
        .andExpect(jsonPath("$.dueAt").value("2026-11-20T00:00:00Z")).andExpect(jsonPath("$.dueSource").value("explicit"));
    mvc.perform(get("/api/findings/" + CHURN_OWNER))
        .andExpect(jsonPath("$.history[*].type").value(org.hamcrest.Matchers.contains("OPENED", "ACKNOWLEDGED",
            "ASSIGNED", "COMMENTED", "DUE_DATE_SET")))
        .andExpect(jsonPath("$.history[*].actor").value(org.hamcrest.Matchers.contains("system", "alice", "alice",
            "bob", "alice")))
        .andExpect(jsonPath("$.history[3].detail").value("Owner set next sprint."));
    // The audit log has every change too, with actor and before/after.
    List<AuditLog.Entry> logged = audit.list(new AuditLog.Query(null, null, CHURN_OWNER, null, null, 50, 0)).items();
    assertThat(logged).extracting(AuditLog.Entry::action).containsExactly("finding.due-date", "finding.comment",
        "finding.assign", "finding.acknowledge");
    assertThat(logged).extracting(AuditLog.Entry::actor).containsExactly("alice", "bob", "alice", "alice");
    assertThat(logged.get(2).before()).doesNotContain("growth-team");
    assertThat(logged.get(2).after()).contains("growth-team");
    mvc.perform(get("/api/findings").param("assignee", "growth-team")).andExpect(jsonPath("$.total").value(1));
    mvc.perform(get("/api/findings").param("acknowledged", "true")).andExpect(jsonPath("$.total").value(1))
        .andExpect(jsonPath("$.items[0].id").value(CHURN_OWNER));
    mvc.perform(get("/api/findings").param("acknowledged", "false")).andExpect(jsonPath("$.total").value(2))
        .andExpect(jsonPath("$.items[*].id").value(not(hasItem(CHURN_OWNER))));
    // The default assignee is the owner the registry records.
    mvc.perform(get("/api/findings/" + FRAUD7)).andExpect(jsonPath("$.workflow.assignee").value("risk-team"))
        .andExpect(jsonPath("$.workflow.assigneeSource").value("owner"));
  }

  @Test
  void bulkActionsOverAFilteredSet() throws Exception {
    mvc.perform(postJson("/api/findings/bulk", """
            {"filter": {"status": "open", "rule": "test.production-approved"}, "action": "assign", "assignee": "ml-platform"}
            """, "dana"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.findings", hasSize(2)));
    mvc.perform(get("/api/findings").param("assignee", "ml-platform")).andExpect(jsonPath("$.total").value(2));
    mvc.perform(postJson("/api/findings/bulk", """
            {"filter": {"status": "open", "severity": "medium"}, "action": "waive",
             "justification": "Approvals are recorded in the committee minutes.", "expiresAt": "%s"}
            """.formatted(clock.instant().plus(Duration.ofDays(30))), "dana"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.waivers", hasSize(3))); // severity is a minimum
    mvc.perform(get("/api/waivers").param("state", "pending")).andExpect(jsonPath("$", hasSize(3)))
        .andExpect(jsonPath("$[*].justification").value(hasItem("Approvals are recorded in the committee minutes.")));
    mvc.perform(postJson("/api/findings/bulk", "{\"filter\": {\"ids\": [\"" + CHURN_OWNER + "\"]}, \"action\": \"acknowledge\"}",
            "erin"))
        .andExpect(jsonPath("$.findings", hasSize(1)));
    mvc.perform(get("/api/findings/" + CHURN_OWNER)).andExpect(jsonPath("$.workflow.acknowledgedBy").value("erin"));
    mvc.perform(postJson("/api/findings/bulk", "{\"filter\": {}, \"action\": \"delete\"}", "erin"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("acknowledge, assign or waive")));
  }

  @Test
  void badWaiverRequestsAreProblemDetailsNamingWhatIsWrong() throws Exception {
    String soon = clock.instant().plus(Duration.ofDays(10)).toString();
    mvc.perform(postJson("/api/waivers", "{\"findingId\": \"%s\", \"justification\": \"ok\", \"expiresAt\": \"%s\"}"
            .formatted(FRAUD7, soon), "alice"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("at least 20 characters")));
    mvc.perform(postJson("/api/waivers", "{\"findingId\": \"%s\", \"justification\": \"A long enough justification.\", \"expiresAt\": \"%s\"}"
            .formatted(FRAUD7, clock.instant().plus(Duration.ofDays(181))), "alice"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("maximum of 180 days")));
    mvc.perform(postJson("/api/waivers", "{\"findingId\": \"%s\", \"justification\": \"A long enough justification.\"}"
            .formatted(FRAUD7), "alice"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("expiresAt is required")));
    mvc.perform(postJson("/api/waivers", "{\"ruleId\": \"test.production-approved\", \"subjectPattern\": \"**\","
            + " \"justification\": \"A long enough justification.\", \"expiresAt\": \"%s\"}".formatted(soon), "alice"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("matches every subject")));
    mvc.perform(postJson("/api/waivers", "{\"ruleId\": \"no.such-rule\", \"subjectPattern\": \"inventory:x/*\","
            + " \"justification\": \"A long enough justification.\", \"expiresAt\": \"%s\"}".formatted(soon), "alice"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("not a rule in force")));
    mvc.perform(get("/api/waivers/W-000000000000")).andExpect(status().isNotFound());
    mvc.perform(get("/api/waivers/' OR 1=1")).andExpect(status().isBadRequest());
    mvc.perform(postJson("/api/findings/0123456789abcdef0123456789abcdef/acknowledge", "{}", "alice"))
        .andExpect(status().isNotFound());
    mvc.perform(postJson("/api/findings/" + FRAUD7 + "/comments", "{\"text\": \" \"}", "alice"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value("text is required"));
  }

  @Test
  void aiSystemsAndTheFindingsFilter() throws Exception {
    mvc.perform(get("/api/ai-systems"))
        .andExpect(jsonPath("$[*].id").value(org.hamcrest.Matchers.contains("churn", "fraud")))
        .andExpect(jsonPath("$[1].owners").value(hasItem("risk-team")))
        .andExpect(jsonPath("$[1].productionVersions").value(hasItem("fraud v7")))
        .andExpect(jsonPath("$[1].findings.open").value(1));
    mvc.perform(get("/api/ai-systems/fraud"))
        .andExpect(jsonPath("$.modelVersions[0].production").value(true))
        .andExpect(jsonPath("$.controls[?(@.control == 'A.6.2.5')].status").value(hasItem("non_compliant")))
        .andExpect(jsonPath("$.controls[?(@.control == 'A.3.2')].status").value(hasItem("compliant")));
    mvc.perform(get("/api/ai-systems/nope")).andExpect(status().isNotFound());
    mvc.perform(get("/api/findings").param("aiSystem", "fraud"))
        .andExpect(jsonPath("$.total").value(1)).andExpect(jsonPath("$.items[0].id").value(FRAUD7));
    mvc.perform(get("/api/findings").param("aiSystem", "churn")).andExpect(jsonPath("$.total").value(2));
    mvc.perform(get("/api/findings").param("aiSystem", "nope")).andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("no AI system 'nope'")));
  }

  /** The id of the waiver a POST /api/waivers answered with. */
  private static String waiverId(String body) {
    return body.replaceAll("(?s).*\"id\":\"(W-[0-9a-f]{12})\".*", "$1");
  }

  private String requestWaiver(String target, String who, Duration lasting) throws Exception {
    return waiverId(mvc.perform(postJson("/api/waivers", """
            {%s, "justification": "Accepted by the risk committee, minutes of 2026-10-30.", "expiresAt": "%s"}
            """.formatted(target, clock.instant().plus(lasting)), who))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.state").value("pending"))
        .andReturn().getResponse().getContentAsString());
  }

  /**
   * Four-eyes end to end and back out: alice requests, bob approves a rule waiver over every fraud
   * model; the waived findings read back through GET /api/findings?status=waived page by page (cursor)
   * and through the JSON and CSV exports, which also link the requested, revoked and expired waivers.
   */
  @Test
  void waivedFindingsReadBackThroughCursorPagesAndExportsWithEveryWaiverState() throws Exception {
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]")
        + Workbench.model("fraud", "8", "[risk-team]") + Workbench.model("fraud", "9", "[risk-team]")
        + Workbench.model("ltv", "1", "[growth]") + Workbench.model("ranker", "2", "[search]"));
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
    String approval = "test.production-approved";
    List<String> fraud = List.of("7", "8", "9").stream().map(v -> Finding.idOf(approval, "inventory:fraud/" + v)).toList();
    String ltv = Finding.idOf(approval, "inventory:ltv/1");
    String churnApproval = Finding.idOf(approval, "inventory:churn/4");

    // expired: approved for one day, then the clock moves on and an evaluation brings the finding back
    String shortLived = requestWaiver("\"findingId\": \"" + CHURN_OWNER + "\"", "alice", Duration.ofDays(1));
    mvc.perform(post("/api/waivers/" + shortLived + "/approve").principal(as("bob"))).andExpect(status().isOk());
    clock.advance(Duration.ofDays(2));
    bench.monitor.evaluate();
    // active: a rule waiver over every fraud version, requested by alice, approved by bob (not by alice)
    String rule = requestWaiver("\"ruleId\": \"" + approval + "\", \"subjectPattern\": \"inventory:fraud/*\"", "alice",
        Duration.ofDays(90));
    mvc.perform(post("/api/waivers/" + rule + "/approve").principal(as("alice"))).andExpect(status().isForbidden());
    mvc.perform(post("/api/waivers/" + rule + "/approve").principal(as("bob")))
        .andExpect(status().isOk()).andExpect(jsonPath("$.coveredFindings").value(3));
    // requested: never approved
    String pending = requestWaiver("\"findingId\": \"" + ltv + "\"", "alice", Duration.ofDays(30));
    // revoked: approved, then withdrawn
    String revoked = requestWaiver("\"findingId\": \"" + churnApproval + "\"", "alice", Duration.ofDays(30));
    mvc.perform(post("/api/waivers/" + revoked + "/approve").principal(as("bob"))).andExpect(status().isOk());
    mvc.perform(postJson("/api/waivers/" + revoked + "/revoke", "{\"reason\": \"The committee withdrew it.\"}", "carol"))
        .andExpect(status().isOk());

    // The list, two per page: two pages by cursor, every waived finding once, each naming its waiver.
    String page1 = mvc.perform(get("/api/findings").param("status", "waived").param("limit", "2"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.total").value(3)).andExpect(jsonPath("$.items", hasSize(2)))
        .andExpect(jsonPath("$.items[*].workflow.state").value(org.hamcrest.Matchers.everyItem(
            org.hamcrest.Matchers.is("waived"))))
        .andExpect(jsonPath("$.items[*].workflow.waiver.id").value(org.hamcrest.Matchers.everyItem(
            org.hamcrest.Matchers.is(rule))))
        .andReturn().getResponse().getContentAsString();
    JsonNode first = json.readTree(page1);
    String next = first.get("next").asString();
    assertThat(next).isNotBlank();
    JsonNode second = json.readTree(mvc.perform(get("/api/findings").param("status", "waived").param("limit", "2")
            .param("cursor", next))
        .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    assertThat(second.get("items").size()).isEqualTo(1);
    assertThat(second.get("next").isNull()).as("the last page").isTrue();
    List<String> listed = new java.util.ArrayList<>();
    first.get("items").forEach(i -> listed.add(i.get("id").asString()));
    second.get("items").forEach(i -> listed.add(i.get("id").asString()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(fraud);

    // The JSON export of the same view: the three waived findings with the waiver in force.
    JsonNode exported = json.readTree(mvc.perform(get("/api/findings/export").param("status", "waived")
            .param("format", "json")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    assertThat(exported.size()).isEqualTo(3);
    exported.forEach(f -> {
      assertThat(fraud).contains(f.get("id").asString());
      assertThat(f.get("waiver").get("status").asString()).isEqualTo("active");
      assertThat(f.get("waiver").get("id").asString()).isEqualTo(rule);
      assertThat(f.get("waiver").get("requestedBy").asString()).isEqualTo("alice");
      assertThat(f.get("waiver").get("approvedBy").asString()).isEqualTo("bob");
    });

    // The CSV export of every finding: each with its waiver and that waiver's state.
    String csv = mvc.perform(get("/api/findings/export").param("format", "csv")).andExpect(status().isOk())
        .andReturn().getResponse().getContentAsString();
    Map<String, Map<String, String>> rows = new java.util.HashMap<>();
    CsvMapper.builder().build().readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
        .<Map<String, String>>readValues(csv).forEachRemaining(r -> rows.put(r.get("id"), r));
    fraud.forEach(id -> assertThat(rows.get(id)).containsEntry("waiver", "active").containsEntry("waiverId", rule));
    assertThat(rows.get(ltv)).containsEntry("waiver", "requested").containsEntry("waiverId", pending);
    assertThat(rows.get(churnApproval)).containsEntry("waiver", "revoked").containsEntry("waiverId", revoked);
    assertThat(rows.get(CHURN_OWNER)).containsEntry("waiver", "expired").containsEntry("waiverId", shortLived)
        .containsEntry("status", "open");
    assertThat(rows.get(Finding.idOf(approval, "inventory:ranker/2"))).containsEntry("waiver", "none")
        .containsEntry("waiverId", "");
    assertThat(rows).hasSize(7);
  }
}
