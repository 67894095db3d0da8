package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken pack is rejected with messages naming file, rule and line, and the last good version keeps running. */
class RuleBookReloadTest {

  @TempDir
  Path rules;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));

  private RuleBook book() {
    return new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
  }

  private void write(String drl) throws Exception {
    Path dir = Files.createDirectories(rules.resolve("test-pack"));
    Files.writeString(dir.resolve("pack.yaml"), "name: test-pack\ndescription: test\n");
    Files.writeString(dir.resolve("rules.drl"), drl);
  }

  @Test
  void failedReloadKeepsTheLastGoodPackInForce() throws Exception {
    write(Workbench.OWNER_RULE);
    RuleBook book = book();
    assertThat(book.reload().loaded()).containsExactly("test-pack");
    String goodHash = book.packs().get(0).contentHash();

    write(Workbench.OWNER_RULE.replace("then", "then oops(")); // a syntax error
    assertThat(book.changedOnDisk()).isTrue();
    RuleBook.ReloadReport report = book.reload();

    assertThat(report.loaded()).isEmpty();
    assertThat(report.rejected()).singleElement().satisfies(r -> {
      assertThat(r.pack()).isEqualTo("test-pack");
      assertThat(String.join("\n", r.problems())).contains("rules.drl");
    });
    assertThat(book.packs()).singleElement().satisfies(p -> assertThat(p.contentHash()).isEqualTo(goodHash));
    assertThat(book.rules()).containsKey("test.production-has-owner");
    assertThat(book.rejected()).containsKey("test-pack");
    assertThat(book.changedOnDisk()).as("the rejected files are remembered, not recompiled every poll").isFalse();

    write(Workbench.OWNER_RULE.replace("@severity(\"high\")", "@severity(\"medium\")"));
    assertThat(book.reload().loaded()).containsExactly("test-pack");
    assertThat(book.rejected()).isEmpty();
    assertThat(book.rules().get("test.production-has-owner").severity()).isEqualTo(Severity.MEDIUM);
  }

  private static final String DERIVING_RULE = """
      package test.derives;
      global io.aimsmonitor.rules.Violations violations;
      declare Marker
        name : String
      end
      rule "test.derive-marker"
        @derives("Marker: a fact the reporting rule joins on")
      when
      then
        insertLogical(new Marker("m"));
      end
      rule "test.marker-reported"
        @control("A.3.2") @severity("low") @title("Marker") @remediation("None.")
      when
        Marker( name == "m" )
      then
        violations.report(kcontext, new io.aimsmonitor.fact.Subject("Organisation", "organisation:m", "m", null), "m");
      end
      """;

  @Test
  void aDerivingRuleNeedsNoControlMetadataAndIsNotAPackRule() throws Exception {
    write(DERIVING_RULE);
    RuleBook book = book();
    assertThat(book.reload().loaded()).containsExactly("test-pack");
    assertThat(book.rules()).containsOnlyKeys("test.marker-reported");
    Evaluator.PackResult result = new Evaluator().evaluate(book.packs().get(0), List.of(), clock.instant());
    assertThat(result.error()).isNull();
    assertThat(result.violations()).singleElement()
        .satisfies(v -> assertThat(v.ruleId()).isEqualTo("test.marker-reported"));
  }

  @Test
  void aDerivingRuleMayNotReport() throws Exception {
    write(DERIVING_RULE.replace("insertLogical(new Marker(\"m\"));",
        "violations.report(kcontext, new io.aimsmonitor.fact.Subject(\"Organisation\", \"organisation:d\", \"d\", null), \"d\");"));
    RuleBook book = book();
    assertThat(book.reload().loaded()).containsExactly("test-pack");
    Evaluator.PackResult result = new Evaluator().evaluate(book.packs().get(0), List.of(), clock.instant());
    assertThat(result.violations()).isEmpty();
    assertThat(result.error()).contains("test.derive-marker").contains("@derives");
  }

  @Test
  void unknownControlIdIsRejectedNamingFileAndRule() throws Exception {
    write(Workbench.OWNER_RULE.replace("@control(\"A.3.2\")", "@control(\"A.3.2, A.99.1\")"));
    RuleBook.ReloadReport report = book().reload();
    assertThat(report.rejected()).singleElement().satisfies(r -> assertThat(r.problems()).anySatisfy(p ->
        assertThat(p).contains("rules.drl:4:").contains("rule \"test.production-has-owner\"")
            .contains("unknown control id 'A.99.1'")));
  }

  @Test
  void missingMetadataAndUndeclaredGlobalsAreRejected() throws Exception {
    write(Workbench.OWNER_RULE.replace(" @remediation(\"Set an owner.\")", "")
        .replace("global io.aimsmonitor.rules.Violations violations;",
            "global io.aimsmonitor.rules.Violations violations;\nglobal Integer maxDays;"));
    RuleBook.ReloadReport report = book().reload();
    assertThat(report.rejected()).singleElement().satisfies(r -> assertThat(r.problems())
        .anySatisfy(p -> assertThat(p).contains("missing metadata [@remediation]"))
        .anySatisfy(p -> assertThat(p).contains("global maxDays is neither a pack parameter")));
  }

  @Test
  void parameterTypesAreChecked() throws Exception {
    Path dir = Files.createDirectories(rules.resolve("test-pack"));
    Files.writeString(dir.resolve("pack.yaml"), """
        name: test-pack
        parameters:
          maxDays: {type: int, default: soon, description: days}
        """);
    Files.writeString(dir.resolve("rules.drl"), Workbench.OWNER_RULE);
    assertThat(book().reload().rejected()).singleElement().satisfies(r -> assertThat(r.problems())
        .anySatisfy(p -> assertThat(p).contains("parameters.maxDays").contains("expected int, got 'soon'")));
  }

  @Test
  void ruleIdsMustBeUniqueAcrossPacks() throws Exception {
    write(Workbench.OWNER_RULE);
    Path other = Files.createDirectories(rules.resolve("z-other-pack"));
    Files.writeString(other.resolve("pack.yaml"), "name: z-other-pack\n");
    Files.writeString(other.resolve("rules.drl"), Workbench.OWNER_RULE.replace("package test.owner;", "package test.other;"));
    RuleBook book = book();
    RuleBook.ReloadReport report = book.reload();
    assertThat(report.loaded()).containsExactly("test-pack");
    assertThat(report.rejected()).singleElement().satisfies(r -> assertThat(r.problems())
        .anySatisfy(p -> assertThat(p).contains("already defined by pack 'test-pack'")));
  }

  /**
   * Packs are evaluated, listed and exported (SARIF's rule index) in name order. Held in a
   * {@code Map.copyOf}, their order changed from one JVM to the next, so two scans of the same
   * facts wrote different SARIF files.
   */
  @Test
  void packsAndTheirRulesComeInPackNameOrder() {
    RuleBook book = new RuleBook(Path.of("rules"), new RulePackLoader(ControlCatalog.bundled()), Map.of(), clock);
    book.reload();
    List<String> names = book.packs().stream().map(RulePack::name).toList();
    assertThat(names).hasSizeGreaterThanOrEqualTo(6).isSorted();
    List<String> packOfEachRule = book.rules().values().stream().map(RuleDefinition::pack).toList();
    assertThat(packOfEachRule).isSorted();
  }
}
