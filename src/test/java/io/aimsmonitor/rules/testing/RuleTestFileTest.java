package io.aimsmonitor.rules.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How test files are read: defaults, merge patches onto background facts, and the errors that name what is wrong. */
class RuleTestFileTest {

  private static final Instant CLOCK = Instant.parse("2026-11-22T00:00:00Z");

  @TempDir
  Path tmp;

  private List<RuleTestFile.Entry> read(String yaml) throws IOException {
    Path file = tmp.resolve("cases.yaml");
    Files.writeString(file, yaml);
    return RuleTestFile.read(file, CLOCK);
  }

  private static final String BACKGROUND = """
      now: 2026-11-01
      background:
        - {kind: ModelVersion, modelName: m, version: "1", stage: Production, owners: [a], description: d,
           tags: {x: "1", y: "2"}}
        - {kind: TrainingRun, runId: r1, metrics: {auc: 0.9}}
      cases:
      """;

  @Test
  void factsGetTheTestSourceAndObservedAtNow() throws IOException {
    RuleTestCase c = read(BACKGROUND + "  - {name: plain, expect: []}\n").get(0).testCase();
    assertEquals(Instant.parse("2026-11-01T00:00:00Z"), c.now());
    ModelVersion m = (ModelVersion) c.facts().get(0);
    assertEquals("test", m.source());
    assertEquals(c.now(), m.observedAt());
    assertEquals("test:m/1", m.subject().key());
  }

  @Test
  void aGivenFactPatchesTheBackgroundFactWithTheSameSubject() throws IOException {
    RuleTestCase c = read(BACKGROUND + """
          - name: patched
            now: 2026-12-01T10:00:00Z
            given:
              - {kind: ModelVersion, modelName: m, version: "1", owners: [], description: null, tags: {x: null, z: "3"}}
              - {kind: TrainingRun, runId: r1, metrics: {}}
            expect: []
        """).get(0).testCase();
    assertEquals(2, c.facts().size());
    ModelVersion m = (ModelVersion) c.facts().get(0);
    assertEquals(List.of(), m.owners(), "a list replaces");
    assertNull(m.description(), "null removes");
    assertEquals("Production", m.stage(), "unnamed fields stay");
    assertEquals(Map.of("y", "2", "z", "3"), m.tags(), "mappings merge");
    assertEquals(Map.of(), ((TrainingRun) c.facts().get(1)).metrics(), "an empty mapping empties");
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), c.now());
  }

  @Test
  void aGivenFactWithAnotherSubjectIsAddedAndWithoutDropsBackground() throws IOException {
    RuleTestCase c = read(BACKGROUND + """
          - name: added
            without: ["test:run/r1"]
            given:
              - {kind: ModelVersion, modelName: m, version: "2"}
            expect: [{rule: r, subject: "test:m/2"}]
        """).get(0).testCase();
    assertEquals(List.of("test:m/1", "test:m/2"), c.facts().stream().map(f -> f.subject().key()).toList());
    assertEquals(List.of(new RuleTestCase.Expectation("r", "test:m/2")), c.expect());
  }

  @Test
  void mistakesAreReportedPerCaseNamingTheField() throws IOException {
    List<RuleTestFile.Entry> entries = read(BACKGROUND + """
          - {name: typo, expect: [], givn: []}
          - {name: no expect}
          - {name: unknown background, without: ["test:m/9"], expect: []}
          - {name: bad fact, given: [{kind: ModelVersion, modelName: m, version: "3", ownerz: []}], expect: []}
          - {name: fine, expect: []}
        """);
    assertEquals(5, entries.size());
    assertTrue(entries.get(0).error().contains("cases[0].givn: unknown key"), entries.get(0).error());
    assertTrue(entries.get(1).error().contains("cases[1].expect: is required"), entries.get(1).error());
    assertTrue(entries.get(2).error().contains("no background fact has subject 'test:m/9'"), entries.get(2).error());
    assertTrue(entries.get(3).error().contains("cases[3].given[0]") && entries.get(3).error().contains("ownerz"),
        entries.get(3).error());
    assertNull(entries.get(4).error());
  }

  @Test
  void aFileThatIsNotYamlIsOneError() throws IOException {
    List<RuleTestFile.Entry> entries = read("cases: [ {name: x\n");
    assertEquals(1, entries.size());
    assertTrue(entries.get(0).error().startsWith("not valid YAML"), entries.get(0).error());
  }

  @Test
  void aListOfCasesRunsAtTheClockWhenNoNowIsGiven() throws IOException {
    RuleTestCase c = read("- {name: bare, given: [{kind: TrainingRun, runId: r}], expect: []}\n").get(0).testCase();
    assertEquals(CLOCK, c.now());
  }
}
