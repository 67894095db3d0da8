package io.aimsmonitor.web.api;

import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlAssessment.OpenCounts;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** GET /api/controls over the shipped packs, with open findings and stale rules from (mocked) store and monitor. */
class ControlsControllerTest {

  private MockMvc mvc;

  @BeforeEach
  void setUp() {
    ControlCatalog catalog = ControlCatalog.bundled();
    RuleBook book = new RuleBook(Path.of("rules"), new RulePackLoader(catalog), Map.of(), Clock.systemUTC());
    book.reload();
    FindingRepository findings = mock(FindingRepository.class);
    when(findings.openCountsByControl()).thenReturn(Map.of("A.6.2.6", new OpenCounts(2, 1), "A.7.4", new OpenCounts(0, 3)));
    MonitorService monitor = mock(MonitorService.class);
    when(monitor.staleRules()).thenReturn(Set.of("governance.ai-policy-reviewed"));
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("exclusions", (ControlReport.Exclusions) id -> id.equals("A.10.4")
        ? Optional.of("No customers use our AI systems directly.") : Optional.empty());
    mvc = MockMvcBuilders.standaloneSetup(new ControlsController(catalog, book, findings, monitor,
        beans.getBeanProvider(ControlReport.Exclusions.class), mock(io.aimsmonitor.history.TimeTravel.class)))
        .setControllerAdvice(new ApiErrors()).build();
  }

  @Test
  void listsEveryControlWithStatusRulesAndOpenFindings() throws Exception {
    mvc.perform(get("/api/controls"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.controls", hasSize(70)))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.6.2.6')].status").value("non_compliant"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.6.2.6')].openFindings").value(3))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.6.2.6')].staleFindings").value(1))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.6.2.6')].rules[*]").value(hasItem("monitoring.recent-evaluation")))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.7.4')].status").value("unknown"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.2.4')].status").value("unknown"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.4.2')].status").value("compliant"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.4.2')].automation").value("automated"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.2.3')].status").value("attestation_required"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.2.3')].euAiAct[*]").value(hasItem("Art. 17")))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.2.3')].nistAiRmf[*]").value(hasItem("GOVERN 1.1")))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.2.3')].automation").value("attestation-only"))
        .andExpect(jsonPath("$.controls[?(@.id == 'A.10.4')].exclusion").value("No customers use our AI systems directly."))
        .andExpect(jsonPath("$.byStatus.non_compliant").value(1));
  }

  @Test
  void filtersByPartAndStatus() throws Exception {
    mvc.perform(get("/api/controls").param("part", "annex-a"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.controls", hasSize(38)));
    mvc.perform(get("/api/controls").param("status", "unknown"))
        .andExpect(jsonPath("$.controls", hasSize(2)))
        .andExpect(jsonPath("$.byStatus.unknown").value(2));
  }

  @Test
  void anUnknownPartIsABadRequest() throws Exception {
    mvc.perform(get("/api/controls").param("part", "annex-b"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value("part must be annex-a, clause or all, got 'annex-b'"));
  }
}
