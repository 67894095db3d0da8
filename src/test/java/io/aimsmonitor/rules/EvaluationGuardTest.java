package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.testing.HostilePacks;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Each hostile pack is stopped by its guard, fails alone, names its rule, and the evaluator keeps working. */
class EvaluationGuardTest {

  @TempDir
  Path rules;

  private final RulePackLoader loader = new RulePackLoader(ControlCatalog.bundled());
  private final Evaluator evaluator = new Evaluator();

  private static List<Fact> facts() {
    return FactJson.readList("""
        [{"kind":"ModelVersion","source":"t","registry":"mlflow","modelName":"churn","version":"4",
          "stage":"Production","owners":[]}]""");
  }

  @ParameterizedTest
  @EnumSource(HostilePacks.class)
  void aHostilePackIsStoppedByItsGuardAndNamesTheRule(HostilePacks hostile) throws Exception {
    RulePack pack = loader.load(hostile.write(rules), Map.of());
    Path good = Files.createDirectories(rules.resolve("good"));
    Files.writeString(good.resolve("pack.yaml"), "name: good\n");
    Files.writeString(good.resolve("rules.drl"), Workbench.OWNER_RULE);
    RulePack goodPack = loader.load(good, Map.of());

    List<Evaluator.PackResult> results = evaluator.evaluate(List.of(pack, goodPack), facts(), Instant.now());

    Evaluator.PackResult bad = results.get(0);
    assertThat(bad.succeeded()).isFalse();
    assertThat(bad.trip().guard()).isEqualTo(hostile.guard);
    assertThat(bad.trip().rule()).isEqualTo(hostile.rule);
    assertThat(bad.error()).contains(hostile.pack()).contains("'" + hostile.rule + "'").contains("limits.");
    assertThat(bad.violations()).isEmpty();
    // the other pack's results are there, on the same evaluator, after the hostile one
    assertThat(results.get(1).succeeded()).isTrue();
    assertThat(results.get(1).violations()).hasSize(1);
    assertThat(evaluator.evaluate(goodPack, facts(), Instant.now()).violations()).hasSize(1);
  }

  @Test
  void anEndlessConsequenceIsQuarantinedAndNotStartedAgainUntilThePackChanges() throws Exception {
    RulePack pack = loader.load(HostilePacks.ENDLESS.write(rules), Map.of());
    Evaluator.PackResult first = evaluator.evaluate(pack, facts(), Instant.now());
    assertThat(first.trip().runaway()).isTrue();
    assertThat(first.error()).contains("was still running its consequence").contains("quarantined");
    assertThat(evaluator.isQuarantined(pack)).isTrue();
    Evaluator.PackResult second = evaluator.evaluate(pack, facts(), Instant.now());
    assertThat(second.succeeded()).isFalse();
    assertThat(second.error()).contains("is quarantined");
    // no evaluation thread is left spinning (the JDK this runs on can still stop one)
    Thread.sleep(200);
    assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.contains(HostilePacks.ENDLESS.pack()))).isEmpty();
  }

  @Test
  void packYamlLimitsAreCheckedAtLoad() throws Exception {
    Path dir = HostilePacks.LOOPING.write(rules);
    Files.writeString(dir.resolve("pack.yaml"), "name: " + HostilePacks.LOOPING.pack()
        + "\nlimits: {timeout: soon, maxFirings: -1, maxFacts: 3}\n");
    try {
      loader.load(dir, Map.of());
      throw new AssertionError("expected a rejection");
    } catch (RulePackException e) {
      assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("pack.yaml: limits.timeout: 'soon' is not a duration"))
          .anySatisfy(p -> assertThat(p).contains("limits.maxFirings: expected a whole number"))
          .anySatisfy(p -> assertThat(p).contains("limits.maxFacts: unknown key"));
    }
  }
}
