package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.rules.testing.RuleTestCase;
import io.aimsmonitor.rules.testing.RuleTestReport;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kie.api.runtime.KieSession;

/**
 * A pack that declares {@code TrainingRun.ref == ModelVersion.sourceRun} is given a training run
 * only while a version it holds (a production one, by its alpha tests) names it, and an
 * incremental session holds, after each generation, exactly the runs a fresh session given that
 * generation would: runs come when a version naming them is promoted, inserted or re-pointed, and
 * go when the last version naming them is demoted, deleted or re-pointed, whether or not the run
 * itself changed. (IncrementalEvaluationTest compares the violations with packs given every fact.)
 */
class SessionFactsTest {

  private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");
  private static RulePack lifecycle;

  @BeforeAll
  static void load() throws Exception {
    lifecycle = new RulePackLoader(ControlCatalog.bundled()).load(Path.of("rules", "aims-lifecycle"), Map.of());
  }

  @Test
  void theShippedPacksThatReadRunsDeclareTheSemiJoin() throws Exception {
    RulePackLoader loader = new RulePackLoader(ControlCatalog.bundled());
    for (String pack : List.of("aims-data", "aims-documentation", "aims-governance", "aims-lifecycle")) {
      assertThat(loader.load(Path.of("rules", pack), Map.of()).factTypes().semiJoins()).as(pack)
          .extracting(Object::toString).containsExactly("TrainingRun.ref == ModelVersion.sourceRun");
    }
  }

  @Test
  void aMalformedOrUnknownSemiJoinIsAProblemOfThePack() {
    List<String> problems = new ArrayList<>();
    FactTypes reads = lifecycle.factTypes();
    reads.withSemiJoins(List.of("TrainingRun.ref = ModelVersion.sourceRun", "Dataset.key == ModelVersion.sourceRun",
        "TrainingRun.nothing == ModelVersion.sourceRun"), "pack.yaml", problems);
    assertThat(problems).hasSize(3);
    assertThat(problems.get(1)).contains("no pattern of the pack's rules is on Dataset");
    problems.clear();
    reads.withSemiJoins(List.of("TrainingRun.ref == ModelVersion.sourceRun", "TrainingRun.ref == ModelVersion.sourceRun"),
        "pack.yaml", problems);
    assertThat(problems).isNotEmpty().allMatch(p -> p.contains("more than one semi-join"));
  }

  @Test
  void incrementalSessionsHoldTheRunsAFreshOneWould() {
    TrainingRun a = run("a", 0.9);
    TrainingRun b = run("b", 0.9);
    TrainingRun c = run("c", 0.9);
    List<List<Fact>> generations = List.of(
        List.of(version("1", "Production", "a"), version("2", "Staging", "b"), a, b, c),
        List.of(version("1", "Production", "a"), version("2", "Production", "b"), a, b, c), // 2 promoted: b comes
        List.of(version("2", "Production", "b"), a, b, c), // 1 deleted: a goes, unchanged
        List.of(version("2", "Production", "c"), a, b, c), // 2 re-pointed: b goes, c comes
        List.of(version("2", "Production", "c"), version("3", "Production", "c"), a, b, c), // c named twice
        List.of(version("3", "Production", "c"), a, b, run("c", 0.5)), // 2 deleted, c changed: still named by 3
        List.of(version("3", "Staging", "c"), a, b, run("c", 0.5)), // 3 demoted: nothing names a run
        List.of(version("3", "Production", "b"), a, b)); // promoted naming b, c deleted
    List<List<String>> expected = List.of(List.of("a"), List.of("a", "b"), List.of("b"), List.of("c"), List.of("c"),
        List.of("c"), List.of(), List.of("b"));

    FactChanges changes = new FactChanges();
    KieSession live = session();
    SessionFacts given = new SessionFacts(live, lifecycle.factTypes());
    try {
      for (int g = 0; g < generations.size(); g++) {
        FactChanges.Changes next = changes.next(generations.get(g));
        if (g == 0) {
          given.insertAll(next.current());
        } else {
          given.apply(next);
        }
        KieSession fresh = session();
        try {
          new SessionFacts(fresh, lifecycle.factTypes()).insertAll(next.current());
          assertThat(runsIn(live)).as("generation %d, incremental", g).isEqualTo(expected.get(g));
          assertThat(runsIn(fresh)).as("generation %d, fresh", g).isEqualTo(expected.get(g));
          assertThat(live.getObjects(o -> o instanceof TrainingRun)).as("generation %d: the current objects", g)
              .allMatch(o -> next.current().stream().anyMatch(f -> f == o));
        } finally {
          fresh.dispose();
        }
      }
    } finally {
      live.dispose();
    }
  }

  /**
   * The declaration is the pack author's promise that no rule reads a withheld fact; every rule
   * test case checks it by evaluating the pack also without it. A pack promising it wrongly (a rule
   * on runs alone) fails the case that holds a run no production version names, naming the cause.
   */
  @Test
  void aRuleTestCaseFailsWhenTheSemiJoinChangesWhatTheRulesDecide(@TempDir Path dir) throws Exception {
    Path pack = Files.createDirectories(dir.resolve("semi"));
    Files.writeString(pack.resolve("pack.yaml"), """
        name: semi
        description: a wrong promise
        semiJoins:
          - TrainingRun.ref == ModelVersion.sourceRun
        """);
    Files.writeString(pack.resolve("semi.drl"), """
        package test.semi;
        import io.aimsmonitor.fact.ModelVersion;
        import io.aimsmonitor.fact.TrainingRun;
        import function io.aimsmonitor.rules.RuleFunctions.*;
        global io.aimsmonitor.rules.Violations violations;

        rule "semi.production-version-has-owner"
          @control("A.3.2") @severity("high") @title("owner") @rationale("r") @remediation("r")
        when
          $m : ModelVersion( production, empty(owners) )
        then
          violations.report(kcontext, $m, "no owner");
        end

        rule "semi.run-has-metrics"
          @control("A.6.2.3") @severity("low") @title("metrics") @rationale("r") @remediation("r")
        when
          $r : TrainingRun( metrics.isEmpty() )
        then
          violations.report(kcontext, $r, "no metrics");
        end
        """);
    RulePackLoader loader = new RulePackLoader(ControlCatalog.bundled());
    RulePack wrong = loader.load(pack, Map.of());
    RuleTestRunner runner = new RuleTestRunner(loader, new Evaluator(), Clock.systemUTC());
    TrainingRun named = run("a", 0.9);
    TrainingRun unnamed = new TrainingRun("test", null, T, "mlflow", null, "b", "exp", "train", "FINISHED", "user",
        Map.of(), Map.of(), Map.of(), null, List.of(), T, T);
    RuleTestCase onlyNamed = new RuleTestCase(Path.of("semi.yaml"), "named", T, Map.of(),
        List.of(version("1", "Production", "a"), named), List.of());
    RuleTestCase withUnnamed = new RuleTestCase(Path.of("semi.yaml"), "unnamed", T, Map.of(),
        List.of(version("1", "Production", "a"), named, unnamed),
        List.of(new RuleTestCase.Expectation("semi.run-has-metrics", unnamed.subject().key())));

    assertThat(runner.run(wrong, onlyNamed).outcome()).isEqualTo(RuleTestReport.Outcome.PASSED);
    RuleTestReport.CaseResult failed = runner.run(wrong, withUnnamed);
    assertThat(failed.outcome()).isEqualTo(RuleTestReport.Outcome.ERROR);
    assertThat(failed.error()).contains("semiJoins [TrainingRun.ref == ModelVersion.sourceRun]")
        .contains("semi.run-has-metrics on " + unnamed.subject().key());
  }

  private static KieSession session() {
    KieSession session = lifecycle.kieBase().newKieSession();
    session.setGlobal("violations", new Violations());
    lifecycle.parameterValues().forEach(session::setGlobal);
    session.setGlobal("now", T);
    return session;
  }

  private static List<String> runsIn(KieSession session) {
    return session.getObjects(o -> o instanceof TrainingRun).stream().map(o -> ((TrainingRun) o).runId().substring("run-".length())).sorted()
        .toList();
  }

  private static ModelVersion version(String version, String stage, String runId) {
    return new ModelVersion("reg", null, T, "mlflow", "churn", version, stage, List.of(), List.of("team"), null,
        "a model", Map.of(), "run-" + runId, null, null, "APPROVED", T, T, null, null, null);
  }

  private static TrainingRun run(String runId, double auc) {
    return new TrainingRun("reg", null, T, "mlflow", null, "run-" + runId, "exp", "train", "FINISHED", "alice",
        Map.of("auc", auc), Map.of(), Map.of(), null, List.of(), T, T);
  }
}
