package io.aimsmonitor.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.ExportWritersTest;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.export.WaiverLookup;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** GET /api/findings/export: every format of a filtered view, chosen by parameter or Accept, over a real H2 store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FindingExportControllerTest {

  @TempDir
  static Path dir;

  private MockMvc mvc;
  private final JsonMapper json = JsonMapper.builder().build();
  private static final RuleDefinition RULE = new RuleDefinition("lifecycle.owner", "aims-lifecycle", "Has an owner",
      Severity.HIGH, List.of("A.3.2"), "full", "why", "Set an owner.", List.of(), List.of(), Set.of());

  @BeforeAll
  void setUp() {
    FindingRepository repo = TestStore.on(TestDatabases.h2File(dir)).findings();
    Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String key = "mlflow-prod:m" + i + "/1";
      findings.add(new Finding(Finding.idOf(RULE.id(), key), RULE.id(), RULE.pack(), RULE.title(), Severity.values()[i % 5],
          RULE.controls(), "Model m" + i + " has no owner.", RULE.remediation(),
          new Subject("ModelVersion", key, "m" + i, "https://mlflow.example.com/m" + i), Map.of("source", "mlflow-prod",
          "snapshot", 3L), i < 10 ? Finding.Status.OPEN : Finding.Status.RESOLVED, false, t0, t0,
          i < 10 ? null : t0, List.of()));
    }
    repo.apply(new Reconciler.Result(findings, List.of(), t0, findings.stream()
        .map(f -> new FindingEvent(f.id(), t0, FindingEvent.Type.OPENED, "system", "")).toList(), java.util.Map.of()));
    RuleBook rules = mock(RuleBook.class);
    when(rules.rules()).thenReturn(Map.of(RULE.id(), RULE));
    Exporter exporter = new Exporter(WaiverLookup.NONE, null, "test", Clock.systemUTC());
    mvc = MockMvcBuilders.standaloneSetup(new FindingExportController(repo, ControlCatalog.bundled(), rules, exporter,
            io.aimsmonitor.testing.TestReview.aiSystems(repo)))
        .setControllerAdvice(new ApiErrors()).build();
  }

  private String body(String url, String accept) throws Exception {
    var request = get(url);
    if (accept != null) {
      request = request.header("Accept", accept);
    }
    return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
  }

  @Test
  void csvOfAFilteredView() throws Exception {
    mvc.perform(get("/api/findings/export?format=csv&status=open"))
        .andExpect(status().isOk())
        .andExpect(header().string("Content-Type", org.hamcrest.Matchers.startsWith("text/csv")))
        .andExpect(header().string("Content-Disposition", "attachment; filename=\"aims-findings.csv\""));
    String csv = body("/api/findings/export?format=csv&status=open&severity=high", null);
    assertThat(csv.lines().count()).as("header + open high/critical").isEqualTo(1 + 4);
    assertThat(csv.lines().findFirst().orElseThrow()).contains("waiver").contains("sourceUrl").contains("findingUrl");
    assertThat(csv).contains("/api/findings/");
  }

  @Test
  void formatFromAcceptHeader() throws Exception {
    String sarif = body("/api/findings/export?status=open", "application/sarif+json");
    assertThat(ExportWritersTest.validateSarif(sarif)).isEmpty();
    assertThat(json.readTree(sarif).get("runs").get(0).get("results").size()).isEqualTo(10);
    JsonNode array = json.readTree(body("/api/findings/export?status=resolved", "application/json"));
    assertThat(array.size()).isEqualTo(2);
    assertThat(body("/api/findings/export?status=open", "application/x-ndjson").lines().count()).isEqualTo(10);
  }

  @Test
  void ocsfAndJunit() throws Exception {
    String ocsf = body("/api/findings/export?format=ocsf&source=mlflow-prod", null);
    assertThat(ocsf.lines().count()).isEqualTo(12);
    assertThat(json.readTree(ocsf.lines().findFirst().orElseThrow()).get("class_uid").asInt()).isEqualTo(2003);
    String xml = body("/api/findings/export?format=junit&status=open", null);
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("10");
  }

  @Test
  void badFormatOrFilterIsAProblemNamingTheParameter() throws Exception {
    mvc.perform(get("/api/findings/export?format=pdf")).andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.parameter").value("format"));
    mvc.perform(get("/api/findings/export?format=csv&severity=huge")).andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.parameter").value("severity"));
    mvc.perform(get("/api/findings/export?format=csv&limit=5")).andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.parameter").value("limit"));
  }
}
