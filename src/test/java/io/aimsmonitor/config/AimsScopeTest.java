package io.aimsmonitor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;

/** The AIMS scope selector: which versions are in scope, what goes with the ones that are not, and its wiring. */
class AimsScopeTest {

  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  private static ModelVersion version(String registry, String name, String version, Map<String, String> tags, String runId) {
    return new ModelVersion("reg", null, NOW, registry, name, version, "Production", List.of(), List.of(), null, null,
        tags, runId, "tracker", null, null, null, null, null, null, null);
  }

  private static TrainingRun run(String runId) {
    return new TrainingRun("tracker", null, NOW, "mlflow", null, runId, null, null, "FINISHED", null, Map.of(), Map.of(),
        Map.of(), null, List.of(), null, null);
  }

  private static ModelMonitor monitor(String model) {
    return new ModelMonitor("mon", null, NOW, "evidently", model, null, "drift", false, null, null);
  }

  private static ScopeProperties scope(List<String> registries, List<String> include, List<String> exclude,
      List<String> required) {
    return new ScopeProperties(registries, include, exclude, required, List.of("aims.scope=out"));
  }

  @Test
  void byDefaultEverythingIsInScopeExceptVersionsTaggedOut() {
    AimsScope s = new AimsScope(ScopeProperties.defaults());
    assertTrue(s.inScope(version("mlflow", "churn", "1", Map.of(), null)));
    assertTrue(s.inScope(version("mlflow", "churn", "1", Map.of("aims.scope", "in"), null)));
    assertFalse(s.inScope(version("mlflow", "churn", "1", Map.of("aims.scope", "OUT"), null)));
    List<Fact> facts = List.of(version("mlflow", "churn", "1", Map.of(), "r1"), run("r1"));
    assertSame(facts, s.apply(facts), "nothing out of scope: the same list");
  }

  @Test
  void registriesAndNamePatternsSelect() {
    AimsScope s = new AimsScope(scope(List.of("MLflow", "sagemaker"), List.of("credit-*", "fraud-?"),
        List.of("*-sandbox"), List.of()));
    assertTrue(s.inScope(version("mlflow", "credit-risk", "1", Map.of(), null)));
    assertTrue(s.inScope(version("sagemaker", "FRAUD-1", "1", Map.of(), null)), "globs ignore case");
    assertFalse(s.inScope(version("huggingface", "credit-risk", "1", Map.of(), null)), "registry not listed");
    assertFalse(s.inScope(version("mlflow", "churn", "1", Map.of(), null)), "not included");
    assertFalse(s.inScope(version("mlflow", "fraud-12", "1", Map.of(), null)), "? is one character");
    assertFalse(s.inScope(version("mlflow", "credit-risk-sandbox", "1", Map.of(), null)), "excluded wins");
  }

  @Test
  void requiredTagsNeedTheValueOrAnyValue() {
    AimsScope s = new AimsScope(scope(List.of(), List.of(), List.of(), List.of("aims.scope=in", "owner")));
    assertTrue(s.inScope(version("mlflow", "m", "1", Map.of("aims.scope", "In", "owner", "team"), null)));
    assertFalse(s.inScope(version("mlflow", "m", "1", Map.of("aims.scope", "in", "owner", " "), null)));
    assertFalse(s.inScope(version("mlflow", "m", "1", Map.of("owner", "team"), null)));
  }

  @Test
  void outOfScopeVersionsTakeTheirOwnRunsAndMonitorsWithThem() {
    AimsScope s = new AimsScope(scope(List.of(), List.of(), List.of("experiments-*"), List.of()));
    ModelVersion in = version("mlflow", "credit-risk", "12", Map.of(), "r-shared");
    ModelVersion out = version("mlflow", "experiments-llm", "3", Map.of(), "r-out");
    ModelVersion outSharingRun = version("mlflow", "experiments-copy", "1", Map.of(), "r-shared");
    Dataset dataset = new Dataset("cat", null, NOW, "datahub", "d", "d", List.of(), List.of(), null, List.of(), List.of(),
        null, null);
    Attestation policy = new Attestation("git", null, NOW, "ai-policy-review", "organisation", null, "board", NOW,
        null, null);
    List<Fact> facts = List.of(in, out, outSharingRun, run("r-shared"), run("r-out"), run("r-orphan"),
        monitor("credit-risk"), monitor("experiments-llm"), dataset, policy);

    List<Fact> kept = s.apply(facts);

    assertEquals(List.of(in, run("r-shared"), run("r-orphan"), monitor("credit-risk"), dataset, policy), kept);
  }

  @Test
  void outOfScopeModelsRaiseNoViolations() throws Exception {
    RulePack lifecycle = new RulePackLoader(ControlCatalog.bundled()).load(Path.of("rules", "aims-lifecycle"), Map.of());
    ModelVersion in = version("mlflow", "credit-risk", "12", Map.of(), "r1");
    ModelVersion out = version("mlflow", "churn", "4", Map.of("aims.scope", "out"), "r2");
    List<Fact> facts = List.of(in, out, run("r1"), run("r2"));

    List<Violation> all = new Evaluator().evaluate(lifecycle, facts, NOW).violations();
    List<Violation> scoped = new Evaluator().evaluate(lifecycle, new AimsScope(ScopeProperties.defaults()).apply(facts),
        NOW).violations();

    assertTrue(all.stream().anyMatch(v -> v.subject().key().equals("reg:churn/4")), "unscoped, churn is reported");
    assertTrue(scoped.stream().noneMatch(v -> v.subject().key().startsWith("reg:churn")), scoped.toString());
    assertEquals(all.stream().filter(v -> v.subject().key().equals("reg:credit-risk/12")).count(), scoped.size());
  }

  @Test
  void propertiesBindAndTheBeanIsTheScopeMonitorServiceUses() {
    new ApplicationContextRunner().withUserConfiguration(ScopeConfiguration.class)
        .withPropertyValues("aims.scope.registries=mlflow", "aims.scope.include=credit-*,fraud-*",
            "aims.scope.required-tags[0]=aims.scope=in")
        .run(context -> {
          ResolvableType type = ResolvableType.forClassWithGenerics(UnaryOperator.class,
              ResolvableType.forClassWithGenerics(List.class, Fact.class));
          String[] names = context.getBeanNamesForType(type);
          assertEquals(List.of("aimsScope"), List.of(names));
          ScopeProperties p = context.getBean(ScopeProperties.class);
          assertEquals(List.of("mlflow"), p.registries());
          assertEquals(List.of("credit-*", "fraud-*"), p.include());
          assertEquals(List.of("aims.scope=in"), p.requiredTags());
          assertEquals(List.of("aims.scope=out"), p.excludedTags(), "the default stays");
          AimsScope s = (AimsScope) context.getBean("aimsScope");
          assertTrue(s.inScope(version("mlflow", "credit-risk", "1", Map.of("aims.scope", "in"), null)));
          assertFalse(s.inScope(version("mlflow", "credit-risk", "1", Map.of(), null)));
        });
  }
}
