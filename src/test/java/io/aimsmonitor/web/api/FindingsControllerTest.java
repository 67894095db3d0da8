package io.aimsmonitor.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** GET /api/findings over a real H2 store: every filter parameter, cursor paging, and 400s naming the parameter. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FindingsControllerTest {

  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  @TempDir
  static Path dir;

  private MockMvc mvc;
  private final JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  void setUp() {
    javax.sql.DataSource data = TestDatabases.h2File(dir);
    FindingRepository repo = TestStore.on(data).findings();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String source = i % 2 == 0 ? "mlflow-prod" : "catalog";
      String key = source + ":m" + i + "/1";
      String rule = i % 3 == 0 ? "lifecycle.owner" : "data.quality";
      Severity severity = Severity.values()[i % 5];
      Finding.Status status = i == 24 ? Finding.Status.RESOLVED : Finding.Status.OPEN;
      findings.add(new Finding(Finding.idOf(rule, key), rule, i % 3 == 0 ? "aims-lifecycle" : "aims-data", "t", severity,
          i % 3 == 0 ? List.of("A.3.2") : List.of("A.7.4"), "Model m" + i + " breaks " + rule + ".", "fix",
          new Subject("ModelVersion", key, "m" + i, null), Map.of("source", source), status, i == 5, T0.plusSeconds(i * 86400L),
          T0.plusSeconds(i * 86400L), status == Finding.Status.RESOLVED ? T0 : null, i % 4 == 0 ? List.of("alice") : List.of()));
    }
    repo.apply(new Reconciler.Result(findings, List.of(), T0, findings.stream()
        .map(f -> new FindingEvent(f.id(), T0, FindingEvent.Type.OPENED, "system", "")).toList(), java.util.Map.of()));
    mvc = MockMvcBuilders.standaloneSetup(new FindingsController(repo, ControlCatalog.bundled(),
            io.aimsmonitor.testing.TestReview.review(data, repo), io.aimsmonitor.testing.TestReview.aiSystems(repo)))
        .setControllerAdvice(new ApiErrors()).build();
  }

  private JsonNode getJson(String url) throws Exception {
    String body = mvc.perform(get(url)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    return json.readTree(body);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "status=open|24", "status=resolved|1", "status=stale|1", "severity=high|10", "control=A.3.2|9",
      "rule=lifecycle.owner&rule=data.quality|25", "pack=aims-data|16", "source=catalog|12", "owner=ALICE|7",
      "text=m1|11", "text=M2|6", "firstSeenFrom=2026-10-21|5", "firstSeenBefore=2026-10-03T00:00:00Z|2",
      "stale=true|1", "status=open&severity=critical&source=mlflow-prod|2", "status=waived|0", "assignee=bob|0"})
  void eachFilterNarrowsTheList(String query, int expected) throws Exception {
    JsonNode page = getJson("/api/findings?" + query);
    assertThat(page.get("total").asInt()).as(query).isEqualTo(expected);
    assertThat(page.get("items").size()).isEqualTo(expected);
  }

  @Test
  void cursorPagesCoverTheListOnceMostSevereFirst() throws Exception {
    List<String> ids = new ArrayList<>();
    List<Integer> ranks = new ArrayList<>();
    String url = "/api/findings?status=open&limit=4";
    int pages = 0;
    while (url != null) {
      JsonNode page = getJson(url);
      assertThat(page.get("sort").asString()).isEqualTo("-severity");
      page.get("items").forEach(i -> {
        ids.add(i.get("id").asString());
        ranks.add(Severity.parse(i.get("severity").asString()).ordinal());
        assertThat(i.has("evidence")).as("list items carry no evidence").isFalse();
      });
      url = page.get("nextPage").isNull() ? null : page.get("nextPage").asString();
      if (url != null) {
        assertThat(url).contains("cursor=" + page.get("next").asString()).contains("status=open");
      }
      pages++;
    }
    assertThat(pages).isEqualTo(6);
    assertThat(ids).hasSize(24);
    assertThat(new HashSet<>(ids)).hasSize(24);
    assertThat(ranks).isSortedAccordingTo((a, b) -> b - a);
  }

  @Test
  void ownersAndSourceAreShownPerItem() throws Exception {
    JsonNode page = getJson("/api/findings?owner=alice&sort=firstSeen&limit=1");
    assertThat(page.get("items").get(0).get("owners").get(0).asString()).isEqualTo("alice");
    assertThat(page.get("items").get(0).get("source").asString()).isEqualTo("mlflow-prod");
    assertThat(page.get("items").get(0).get("subject").get("displayName").asString()).isEqualTo("m0");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "severity=urgent|severity|unknown severity 'urgent'",
      "status=closed|status|must be open, waived, resolved or stale",
      "control=A.99|control|not an ISO/IEC 42001 control",
      "firstSeenFrom=yesterday|firstSeenFrom|ISO-8601",
      "stale=maybe|stale|true or false",
      "limit=0|limit|from 1 to 1000",
      "limit=ten|limit|from 1 to 1000",
      "sort=owner|sort|sort must be one of",
      "cursor=not-a-cursor|cursor|not a cursor",
      "offset=100|offset|replaced by cursor paging",
      "sevrity=high|sevrity|unknown parameter",
      "rule=|rule|must not be empty",
      "text=a&text=b|text|give it once"})
  void aBadParameterIsAProblemDetailNamingIt(String query, String parameter, String detail) throws Exception {
    mvc.perform(get("/api/findings?" + query))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.parameter").value(parameter))
        .andExpect(jsonPath("$.detail").value(containsString(detail)))
        .andExpect(jsonPath("$.status").value(400));
  }

  @Test
  void aCursorOfAnotherSortIsRefused() throws Exception {
    JsonNode page = getJson("/api/findings?limit=2&sort=firstSeen");
    mvc.perform(get("/api/findings?limit=2&sort=-rule&cursor=" + page.get("next").asString()))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.parameter").value("cursor"))
        .andExpect(jsonPath("$.detail").value(containsString("keep the sort of the first page")));
  }

  @Test
  void offsetZeroStillWorks() throws Exception {
    assertThat(getJson("/api/findings?offset=0&limit=5").get("items").size()).isEqualTo(5);
  }

  @Test
  void detailHasEvidenceOwnersAndHistory() throws Exception {
    String id = getJson("/api/findings?owner=alice&limit=1").get("items").get(0).get("id").asString();
    JsonNode detail = getJson("/api/findings/" + id);
    assertThat(detail.get("finding").get("evidence").get("source").asString()).isNotBlank();
    assertThat(detail.get("finding").get("owners").get(0).asString()).isEqualTo("alice");
    assertThat(detail.get("history").get(0).get("type").asString()).isEqualTo("OPENED");
    mvc.perform(get("/api/findings/NOT-AN-ID")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.parameter").value("id"));
    mvc.perform(get("/api/findings/" + "0".repeat(32))).andExpect(status().isNotFound());
  }
}
