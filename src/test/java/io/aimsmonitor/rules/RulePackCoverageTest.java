package io.aimsmonitor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped packs against the ISO 42001 catalogue: what must be decided is, and rule ids follow the convention. */
class RulePackCoverageTest {

  private static final ControlCatalog CATALOG = ControlCatalog.bundled();
  private static RuleBook book;

  @BeforeAll
  static void load() {
    book = new RuleBook(Path.of("rules"), new RulePackLoader(CATALOG), Map.of(), Clock.systemUTC());
    RuleBook.ReloadReport report = book.reload();
    assertEquals(List.of(), report.rejected());
  }

  @Test
  void everyAutomatedOrPartialAnnexAControlIsDecidedByARule() {
    List<String> undecided = ControlCoverage.of(CATALOG, book.rules().values()).stream()
        .filter(e -> e.control().part() == Control.Part.ANNEX_A)
        .filter(e -> e.control().automation() != Control.Automation.MANUAL)
        .filter(e -> e.rules().isEmpty())
        .map(e -> e.control().id()).toList();
    assertEquals(List.of(), undecided, "A and P Annex A controls no rule decides");
    long decided = CATALOG.part(Control.Part.ANNEX_A).stream().filter(c -> c.automation() != Control.Automation.MANUAL)
        .count();
    assertEquals(26, decided, "the reference marks 12 A and 14 P Annex A controls");
  }

  @Test
  void attestationOnlyMeansNoRuleDecidesItAndAManualControlNeedsAnAttestation() {
    List<ControlReport.Row> rows = ControlReport.coverage(CATALOG, book.rules().values(), ControlReport.Exclusions.NONE);
    assertEquals(CATALOG.all().size(), rows.size());
    long manualDecidedByRules = 0;
    for (Control c : CATALOG.all()) {
      ControlReport.Row row = rows.stream().filter(r -> r.id().equals(c.id())).findFirst().orElseThrow();
      boolean decided = !row.rules().isEmpty();
      assertEquals(c.automation() == Control.Automation.MANUAL && !decided, row.automation().equals("attestation-only"),
          c.id() + " is labelled " + row.automation() + " with rules " + row.rules());
      assertEquals(c.automation() == Control.Automation.MANUAL && !decided, row.status().equals("attestation_required"),
          c.id());
      assertEquals(c.euAiAct(), row.euAiAct(), c.id());
      assertEquals(c.nistAiRmf(), row.nistAiRmf(), c.id());
      manualDecidedByRules += c.automation() == Control.Automation.MANUAL && decided ? 1 : 0;
    }
    assertTrue(manualDecidedByRules > 0, "the shipped packs cite some controls the catalogue calls manual:"
        + " they must not show as attestation-only");
  }

  @Test
  void ruleIdsNameTheirAreaAndAreKebabCase() {
    for (RulePack pack : book.packs()) {
      String area = pack.name().substring("aims-".length());
      for (RuleDefinition rule : pack.rules()) {
        assertTrue(rule.id().matches(java.util.regex.Pattern.quote(area) + "\\.[a-z0-9]+(-[a-z0-9]+)*"),
            rule.id() + " in pack " + pack.name());
        assertTrue(!rule.rationale().isBlank(), rule.id() + " has no @rationale");
      }
    }
  }
}
