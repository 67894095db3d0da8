package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.fact.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kie.api.runtime.KieSession;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack's sessions are given only the facts whose class some pattern of its rules can match, taken
 * from the compiled network: a pattern on a supertype or an interface still receives its subclasses,
 * a pattern on {@code Object} everything, and facts the pack does not read may change or go without
 * the pack failing on a fact it never held.
 */
class FactTypesTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir
  Path dir;

  private final RulePackLoader loader = new RulePackLoader(ControlCatalog.bundled());

  @Test
  void theShippedPacksReadOnlyTheTypesOfTheirPatterns() throws Exception {
    Map<String, List<Class<?>>> read = new java.util.TreeMap<>();
    for (String pack : List.of("aims-third-party", "aims-monitoring")) {
      read.put(pack, loader.load(Path.of("rules", pack), Map.of()).factTypes().patternTypes());
    }
    assertThat(read.get("aims-third-party")).containsExactly(ModelVersion.class);
    assertThat(read.get("aims-monitoring")).containsExactlyInAnyOrder(ModelMonitor.class, ModelVersion.class,
        SourceHealth.class);
  }

  @Test
  void theExecutableModelFromTheCompiledPackCacheReadsTheSameTypes() throws Exception {
    // serve loads packs through the cache (Drools' executable model), tests mostly from DRL
    RulePackLoader cached = new RulePackLoader(ControlCatalog.bundled()).withCache(CompiledPackCache.at(dir));
    for (String pack : List.of("aims-data", "aims-documentation", "aims-lifecycle", "aims-monitoring")) {
      List<Class<?>> fromDrl = loader.load(Path.of("rules", pack), Map.of()).factTypes().patternTypes();
      cached.load(Path.of("rules", pack), Map.of()); // compiles and stores
      List<Class<?>> fromCache = cached.load(Path.of("rules", pack), Map.of()).factTypes().patternTypes();
      assertThat(fromCache).as(pack).extracting(Class::getName)
          .containsExactlyElementsOf(fromDrl.stream().map(Class::getName).toList());
      assertThat(fromCache).as(pack).contains(ModelVersion.class);
      // the executable model's constraints are lambdas, not MVEL: they admit as the DRL's do
      RulePack compiled = cached.load(Path.of("rules", pack), Map.of());
      KieSession session = session(compiled);
      try {
        assertThat(compiled.factTypes().admits(session, version("1", "Production"))).as(pack).isTrue();
        assertThat(compiled.factTypes().admits(session, version("1", "Staging"))).as(pack).isFalse();
      } finally {
        session.dispose();
      }
    }
  }

  @Test
  void aSessionHoldsOnlyTheFactsItsPatternsCanMatchOnBothPaths() throws Exception {
    // the consequence counts the facts the session holds (not the reports it inserts): the one
    // version, not the other facts
    RulePack pack = pack("versions-only", """
        rule "t.count"
          @control("A.3.2") @severity("low") @title("t") @remediation("r")
        when
          $m : ModelVersion()
        then
          int held = 0;
          for (Object o : kcontext.getKieRuntime().getObjects()) {
            held += o instanceof io.aimsmonitor.fact.Fact ? 1 : 0;
          }
          violations.report(kcontext, $m, "holds " + held + ", " + $m.description());
        end
        """);
    assertThat(pack.factTypes().patternTypes()).containsExactly(ModelVersion.class);
    List<Fact> facts = estate();

    assertThat(messages(new Evaluator().evaluate(pack, facts, NOW))).containsExactly("holds 1, d");
    Evaluator live = new Evaluator(new Evaluator.Incremental(true, Duration.ofHours(1)));
    assertThat(messages(live.evaluateLive(List.of(pack), facts, NOW).get(0))).containsExactly("holds 1, d");
    // the facts it does not read change (a training run updated, a pipeline run and a dataset gone, a
    // source's health added) and the version is updated: the session is given the version's update
    // only, and does not fail on a handle it never had
    List<Fact> next = new ArrayList<>(List.of(version("updated"), run("FAILED"), health("mlflow"), health("mlflow-2")));
    Evaluator.PackResult second = live.evaluateLive(List.of(pack), next, NOW).get(0);
    assertThat(second.error()).isNull();
    assertThat(live.lastDelta().complete()).as("kept its session: given the changes, not started afresh").isTrue();
    assertThat(messages(second)).containsExactly("holds 1, updated");
    assertThat(messages(new Evaluator().evaluate(pack, next, NOW))).containsExactly("holds 1, updated");
  }

  @Test
  void aSessionHoldsOnlyTheFactsTheFirstConstraintsAcceptAndAVersionCrossingThemEntersAndLeaves() throws Exception {
    // every pattern on ModelVersion starts with production: a version outside production is not
    // held; promoted it enters the session, demoted it leaves, incrementally as in a full evaluation
    RulePack pack = pack("production-only", """
        rule "t.count"
          @control("A.3.2") @severity("low") @title("t") @remediation("r")
        when
          $m : ModelVersion( production )
          not ModelVersion( production, modelName == $m.modelName, version > $m.version )
        then
          int held = 0;
          for (Object o : kcontext.getKieRuntime().getObjects()) {
            held += o instanceof io.aimsmonitor.fact.Fact ? 1 : 0;
          }
          violations.report(kcontext, $m, "holds " + held + ", latest " + $m.version());
        end
        """);
    List<Fact> first = List.of(version("1", "None"), version("2", "Production"), version("3", "Staging"));
    assertThat(messages(new Evaluator().evaluate(pack, first, NOW))).containsExactly("holds 1, latest 2");
    Evaluator live = new Evaluator(new Evaluator.Incremental(true, Duration.ofHours(1)));
    assertThat(messages(live.evaluateLive(List.of(pack), first, NOW).get(0))).containsExactly("holds 1, latest 2");

    // (the count is taken when a report is made: reports are made anew when the latest changes)
    List<Fact> promoted = List.of(version("1", "None"), version("2", "Production"), version("3", "Production"));
    assertThat(messages(live.evaluateLive(List.of(pack), promoted, NOW).get(0))).containsExactly("holds 2, latest 3");
    assertThat(live.lastDelta().complete()).as("given the changes, not started afresh").isTrue();
    assertThat(messages(new Evaluator().evaluate(pack, promoted, NOW))).containsExactly("holds 2, latest 3");

    List<Fact> demoted = List.of(version("1", "None"), version("2", "Production"), version("3", "Archived"));
    assertThat(messages(live.evaluateLive(List.of(pack), demoted, NOW).get(0))).containsExactly("holds 1, latest 2");
    assertThat(live.lastDelta().complete()).isTrue();
    assertThat(messages(new Evaluator().evaluate(pack, demoted, NOW))).containsExactly("holds 1, latest 2");

    // a version that changes outside production is no change to the session, one deleted there neither
    List<Fact> outside = List.of(version("1", "Staging"), version("2", "Production"));
    Evaluator.PackResult quiet = live.evaluateLive(List.of(pack), outside, NOW).get(0);
    assertThat(quiet.error()).isNull();
    assertThat(live.lastDelta().complete()).isTrue();
    assertThat(live.lastDelta().touched()).isEmpty();
    assertThat(messages(quiet)).containsExactly("holds 1, latest 2");
  }

  @Test
  void theShippedPacksAdmitOnlyTheVersionsAndAttestationsTheirConstraintsAccept() throws Exception {
    // the filter is taken from the network: if Drools hashed or reordered the first nodes so that
    // they could not all be read, the class would be admitted whole and this would fail
    for (String name : List.of("aims-data", "aims-documentation", "aims-governance", "aims-lifecycle",
        "aims-monitoring", "aims-third-party")) {
      RulePack pack = loader.load(Path.of("rules", name), Map.of());
      KieSession session = session(pack);
      try {
        // a hub model is third-party (RuleFunctions.thirdParty), so every pack's constraints accept it in production
        assertThat(pack.factTypes().admits(session, version("huggingface", "1", "Production"))).as(name).isTrue();
        assertThat(pack.factTypes().admits(session, version("1", "Production"))).as(name)
            .isEqualTo(!name.equals("aims-third-party")); // that pack reads only third-party models
        assertThat(pack.factTypes().admits(session, version("1", "Staging"))).as(name).isFalse();
        assertThat(pack.factTypes().admits(session, version("1", "None"))).as(name).isFalse();
      } finally {
        session.dispose();
      }
    }
    RulePack governance = loader.load(Path.of("rules", "aims-governance"), Map.of());
    KieSession session = session(governance);
    try {
      for (String type : List.of("ai-policy-review", "impact-assessment", "risk-assessment", "role-assignment")) {
        assertThat(governance.factTypes().admits(session, attestation(type, "alice"))).as(type).isTrue();
        // a draft fails approved, the second constraint of each of these patterns: the chain is followed
        assertThat(governance.factTypes().admits(session, attestation(type, null))).as(type + " draft").isFalse();
      }
      assertThat(governance.factTypes().admits(session, attestation("dpia", "alice"))).isFalse();
    } finally {
      session.dispose();
    }
  }

  @Test
  void aPatternOnAnInterfaceOrASuperclassReceivesEveryImplementation() throws Exception {
    // Fact is an interface, Record the superclass of every fact: both match each of the five facts
    for (String type : List.of("io.aimsmonitor.fact.Fact", "Record")) {
      RulePack pack = pack("supertype", """
          rule "t.count"
            @control("A.3.2") @severity("low") @title("t") @remediation("r")
          when
            $m : ModelVersion()
            $n : Number() from accumulate( %s(), count() )
          then
            violations.report(kcontext, $m, "matches " + $n);
          end
          """.formatted(type));
      assertThat(messages(new Evaluator().evaluate(pack, estate(), NOW))).as(type).containsExactly("matches 5");
      assertThat(pack.factTypes().reads(health("s"))).isTrue();
      assertThat(pack.factTypes().reads("not a fact")).isFalse();
    }
  }

  @Test
  void aPatternOnObjectKeepsEverything() throws Exception {
    RulePack pack = pack("anything", """
        rule "t.any"
          @control("A.3.2") @severity("low") @title("t") @remediation("r")
        when
          $m : ModelVersion()
          exists Object( this != $m )
        then
          violations.report(kcontext, $m, "holds " + kcontext.getKieRuntime().getFactCount());
        end
        """);
    assertThat(pack.factTypes()).isSameAs(FactTypes.ALL);
    assertThat(pack.factTypes().reads("not a fact")).isTrue();
    assertThat(messages(new Evaluator().evaluate(pack, estate(), NOW))).containsExactly("holds 5");
  }

  @Test
  void factsRulesDeriveAndFromSourcesAreNotTypesRead() throws Exception {
    // DatasetRead is inserted by a rule, String comes from a from source: neither is given by the evaluator
    RulePack data = loader.load(Path.of("rules", "aims-data"), Map.of());
    assertThat(data.factTypes().patternTypes()).extracting(Class::getSimpleName)
        .contains("ModelVersion", "TrainingRun", "Dataset").doesNotContain("String", "Object", "List", "Set");
    assertThat(data.factTypes().reads(health("s"))).isFalse();
  }

  @Test
  void aRuleReadingADerivedFactReadsWhatItsDerivationReads() throws Exception {
    // the CI rules read VersionCi, derived from VersionRuns (ModelVersion, TrainingRun) and PipelineRun:
    // their findings must still go stale with any of those sources, as when they joined the facts themselves
    RulePack lifecycle = loader.load(Path.of("rules", "aims-lifecycle"), Map.of());
    assertThat(rule(lifecycle, "lifecycle.production-version-passed-ci").factTypes())
        .containsExactlyInAnyOrder(ModelVersion.class, TrainingRun.class, PipelineRun.class);
    assertThat(rule(lifecycle, "lifecycle.source-run-recorded").factTypes())
        .containsExactlyInAnyOrder(ModelVersion.class, TrainingRun.class);
    assertThat(rule(lifecycle, "lifecycle.production-version-has-owner").factTypes()).containsExactly(ModelVersion.class);
    RulePack data = loader.load(Path.of("rules", "aims-data"), Map.of());
    assertThat(rule(data, "data.dataset-has-owner").factTypes())
        .containsExactlyInAnyOrder(Dataset.class, ModelVersion.class, TrainingRun.class);
    assertThat(rule(data, "data.dataset-catalogued").factTypes())
        .containsExactlyInAnyOrder(Dataset.class, ModelVersion.class, TrainingRun.class);
  }

  private static RuleDefinition rule(RulePack pack, String id) {
    return pack.rules().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  private RulePack pack(String name, String rules) throws Exception {
    Path pack = Files.createDirectories(dir.resolve(name));
    Files.writeString(pack.resolve("pack.yaml"), "name: " + name + "\n");
    Files.writeString(pack.resolve("rules.drl"), """
        package test.%s;
        import io.aimsmonitor.fact.ModelVersion;
        global io.aimsmonitor.rules.Violations violations;
        """.formatted(name.replace('-', '_')) + rules);
    return loader.load(pack, Map.of());
  }

  /** One production version and four facts of other types. */
  private static List<Fact> estate() {
    return List.of(version("d"), run("FINISHED"),
        new PipelineRun("ci", null, NOW, "github-actions", "acme/churn", "ci", "r1", "main", "abc", "completed",
            "success", NOW, NOW, null),
        new Dataset("cat", null, NOW, "datahub", "urn:ds", "ds", List.of(), List.of(), null, List.of(), List.of(), null,
            null),
        health("mlflow"));
  }

  private static ModelVersion version(String description) {
    return new ModelVersion("reg", null, NOW, "mlflow", "churn", "1", "Production", List.of(), List.of("team"), null,
        description, Map.of(), "run-1", null, null, null, NOW, NOW, NOW, null, null);
  }

  private static ModelVersion version(String version, String stage) {
    return version("mlflow", version, stage);
  }

  private static ModelVersion version(String registry, String version, String stage) {
    return new ModelVersion("reg", null, NOW, registry, "churn", version, stage, List.of(), List.of("team"), null,
        "d", Map.of(), "run-1", null, null, null, NOW, NOW, NOW, null, null);
  }

  private static Attestation attestation(String type, String approvedBy) {
    return new Attestation("file", null, NOW, type, type.equals("ai-policy-review") ? "organisation" : "churn", "s",
        approvedBy, NOW.minus(Duration.ofDays(1)), null, "ref");
  }

  /** A session with the globals the evaluator sets: the pack's parameters and now. */
  private static KieSession session(RulePack pack) {
    KieSession session = pack.kieBase().newKieSession();
    Map<String, Object> globals = new java.util.HashMap<>(pack.parameterValues());
    globals.put("now", NOW);
    globals.forEach((name, value) -> {
      if (pack.kieBase().getKiePackages().stream()
          .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(name)))) {
        session.setGlobal(name, value);
      }
    });
    return session;
  }

  private static TrainingRun run(String status) {
    return new TrainingRun("reg", null, NOW, "mlflow", null, "run-1", "exp", "train", status, "alice", Map.of(),
        Map.of(), Map.of(), null, List.of(), NOW, NOW);
  }

  private static SourceHealth health(String source) {
    return new SourceHealth(source, null, NOW, "mlflow", NOW, false, null, Duration.ofHours(1), true);
  }

  private static List<String> messages(Evaluator.PackResult result) {
    assertThat(result.error()).isNull();
    return result.violations().stream().map(Violation::message).toList();
  }
}
