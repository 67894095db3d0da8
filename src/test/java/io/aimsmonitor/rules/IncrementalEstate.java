package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A small, randomly changing estate with facts of every type the shipped packs read, built so that
 * the facts join (shared model names, run ids, commits, dataset names, AI systems) and their times
 * sit around the packs' thresholds (revalidationDays, qualityCheckMaxAgeDays,
 * maxEvaluationAgeDays, policyReviewMonths, validUntil) as the clock advances.
 *
 * <p>Each fact is a slot (an identity) that, at every step, stays, changes to another random
 * content, disappears or comes back; a source may re-collect (every fact of it re-stamped with a new
 * {@code observedAt}); now and then a fact is reported twice under one identity.
 */
public final class IncrementalEstate {

  public static final Instant BASE = Instant.parse("2026-06-01T00:00:00Z");
  private static final String[] MODELS = {"churn", "fraud", "ranker", "pricing"};
  private static final String[] SYSTEMS = {"retention", "payments"};
  private static final String[] DATASETS = {"lake.customers", "lake.events", "lake.payments", "lake.labels"};
  /** Commits that all share the prefix 0000000 (the estate {@link #IncrementalEstate(long)} draws from). */
  private static final String[] SAME_PREFIX_COMMITS = new String[6];

  static {
    for (int i = 0; i < SAME_PREFIX_COMMITS.length; i++) {
      SAME_PREFIX_COMMITS[i] = String.format("%040x", 0xabc1234L * (i + 7));
    }
  }

  /**
   * Commits as rules join them (PipelineRun.commitPrefix, then isForCommit): most differ in their
   * first 7 digits, as git shas do; two pairs share them and differ after, so the exact test
   * decides; the estate {@link #IncrementalEstate(long, boolean)} with {@code shaVariety} also draws
   * versions' 9-digit abbreviations and the upper-case spellings some CI systems use.
   */
  private static final String[] VARIED_COMMITS = {
      "3f1c2a9b7d4e5f60718293a4b5c6d7e8f9012345", "3f1c2a9ffe0d1c2b3a4958677685940312ab0cde",
      "a0b1c2d3e4f5061728394a5b6c7d8e9f00112233", "a0b1c2d00000000000000000000000000000ffff",
      "deadbeef0123456789abcdef0123456789abcdef", "0000000000000000000000000000000000abc123"};

  private final Random random;
  private final boolean shaVariety;
  private final String[] commits;
  private final Map<String, Function<Instant, Fact>> slots = new LinkedHashMap<>();
  private final Map<String, Fact> present = new LinkedHashMap<>();
  private final Map<String, Instant> observed = new LinkedHashMap<>();
  Instant now = BASE;

  /** The estate's clock: where the last step left it. */
  public Instant now() {
    return now;
  }

  /**
   * The estate whose commits share a prefix: its seeds' sequences stay those they were written for.
   * ({@code IncrementalCycleTest} replays its seeds over this one and the one with {@code shaVariety};
   * with it, seed 42 showed at step 15 a finding owner the incremental cycle stored and a full
   * reconciliation did not: a model version reported twice with other owners, and the reconciler
   * took whichever report came first. Fixed in {@code Reconciler}.)
   */
  public IncrementalEstate(long seed) {
    this(seed, false);
  }

  /**
   * @param shaVariety commits with distinct and shared 7-digit prefixes, abbreviated on either side
   *     and in upper case on the CI side, as rules must match them
   */
  public IncrementalEstate(long seed, boolean shaVariety) {
    this.random = new Random(seed);
    this.shaVariety = shaVariety;
    this.commits = shaVariety ? VARIED_COMMITS : SAME_PREFIX_COMMITS;
    for (String model : MODELS) {
      for (int v = 1; v <= 3; v++) {
        String version = String.valueOf(v);
        slots.put("mv:" + model + "/" + v, obs -> modelVersion(model, version, obs));
        slots.put("run:" + model + "/" + v, obs -> trainingRun(model, version, obs));
        slots.put("mon:" + model + "/" + v, obs -> monitor(model, version, obs));
      }
      slots.put("mon:" + model, obs -> monitor(model, null, obs));
    }
    for (int i = 0; i < 8; i++) {
      int n = i;
      slots.put("ci:" + n, obs -> pipelineRun(n, obs));
    }
    for (String name : DATASETS) {
      slots.put("ds:cat:" + name, obs -> dataset("cat", name, obs));
      slots.put("ds:cat2:" + name, obs -> dataset("cat2", name, obs));
    }
    slots.put("att:policy", obs -> attestation("ai-policy-review", "organisation", obs));
    slots.put("att:policy2", obs -> attestation("ai-policy-review", "Organisation", obs));
    for (String system : List.of(SYSTEMS[0], SYSTEMS[1], "churn", "fraud")) {
      for (String type : List.of("impact-assessment", "risk-assessment", "role-assignment")) {
        slots.put("att:" + type + ":" + system, obs -> attestation(type, system, obs));
      }
    }
    for (String source : List.of("reg", "ci", "cat", "mon", "att")) {
      observed.put(source, now);
    }
    slots.keySet().forEach(this::roll);
  }

  /** The next snapshot: the clock advances (minutes, or days across thresholds) and about a quarter of the slots change. */
  public List<Fact> step() {
    now = random.nextInt(10) < 6 ? now.plus(Duration.ofMinutes(random.nextInt(50)))
        : now.plus(Duration.ofDays(1 + random.nextInt(15))).plus(Duration.ofMinutes(random.nextInt(600)));
    for (String source : observed.keySet()) {
      if (random.nextBoolean()) {
        observed.put(source, now); // re-collected: same content, observed again
      }
    }
    for (String slot : slots.keySet()) {
      if (random.nextInt(4) == 0) {
        roll(slot);
      }
    }
    return facts();
  }

  public List<Fact> facts() {
    List<Fact> facts = new ArrayList<>();
    present.values().forEach(f -> facts.add(f.withOrigin(f.source(), observed.getOrDefault(sourceGroup(f), now))));
    if (random.nextInt(5) == 0 && !facts.isEmpty()) { // one identity reported twice, with other content
      Fact twin = facts.get(random.nextInt(facts.size()));
      if (twin instanceof ModelVersion m) {
        facts.add(new ModelVersion(m.source(), m.sourceUrl(), m.observedAt(), m.registry(), m.modelName(), m.version(),
            "Production", m.aliases(), List.of(), m.registeredBy(), "twin", m.tags(), m.sourceRunId(), null,
            m.sourceGitCommit(), m.approvalStatus(), m.createdAt(), m.updatedAt(), m.promotedAt(), m.card(), m.supplier()));
      } else { // the same content as a distinct object, as two snapshots' records would be
        facts.add(twin.withOrigin(twin.source(), twin.observedAt().plusSeconds(1)));
      }
    }
    for (String source : List.of("reg", "ci", "cat")) { // derived by the engine at each evaluation, observed now
      boolean failed = random.nextInt(6) == 0;
      facts.add(new SourceHealth(source, null, now, "mlflow", failed ? null : BASE.minus(Duration.ofHours(1)), failed,
          failed ? "connection refused" : null, Duration.ofHours(1), !failed));
    }
    return facts;
  }

  private static String sourceGroup(Fact f) {
    return f.source().startsWith("cat") ? "cat" : f.source();
  }

  private void roll(String slot) {
    if (random.nextInt(8) == 0) {
      present.remove(slot);
    } else {
      present.put(slot, slots.get(slot).apply(now));
    }
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  private Instant daysAgo(int maxDays) {
    return BASE.minus(Duration.ofDays(random.nextInt(maxDays + 1))).minus(Duration.ofMinutes(random.nextInt(1440)));
  }

  private ModelVersion modelVersion(String model, String version, Instant obs) {
    boolean production = chance(60);
    Map<String, String> tags = new LinkedHashMap<>();
    if (chance(40)) {
      tags.put("aims.system", pick(List.of(SYSTEMS)));
    }
    if (chance(30)) {
      tags.put("aims.fairness", "not-applicable");
    }
    if (chance(40)) {
      tags.put("aims.inference-logging", "loki://models/" + model);
    }
    if (chance(50)) {
      tags.put("threshold.auc", pick(List.of(">=0.8", ">=0.95")));
    }
    if (chance(30)) {
      tags.put("docker_image", "registry/" + model + ":1");
    }
    Instant promoted = production && chance(85) ? daysAgo(200) : null;
    ModelVersion.ModelCard card = chance(30) ? null : new ModelVersion.ModelCard(chance(80) ? "scoring" : null,
        chance(70) ? "not for minors" : "", chance(70) ? "auc" : null, chance(70) ? DATASETS[0] : null, null);
    ModelVersion.SupplierInfo supplier = chance(70) ? null : new ModelVersion.SupplierInfo(chance(70) ? "acme-ai" : null,
        pick(java.util.Arrays.asList("apache-2.0", "proprietary", null)), "r1", null, List.of(), chance(50), false);
    return new ModelVersion("reg", null, obs, "mlflow", model, version,
        production && chance(70) ? "Production" : pick(java.util.Arrays.asList("Staging", "None", null)),
        production && !chance(70) ? List.of("champion") : List.of(), chance(50) ? List.of() : List.of("team-" + model),
        chance(50) ? "alice" : null, chance(30) ? "" : "model " + model, tags,
        chance(85) ? "run-" + model + "-" + pick(List.of("1", "2", "3")) : null, null,
        chance(50) ? abbreviatedSometimes(pick(List.of(commits))) : null,
        pick(java.util.Arrays.asList("APPROVED", "PENDING", "SELF_APPROVED", null)),
        daysAgo(300), daysAgo(100), promoted, card, supplier);
  }

  private TrainingRun trainingRun(String model, String version, Instant obs) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (chance(75)) {
      metrics.put("auc", chance(50) ? 0.9 : 0.97);
    }
    if (chance(40)) {
      metrics.put("demographic_parity_diff", 0.03);
    }
    List<TrainingRun.DatasetInput> inputs = new ArrayList<>();
    for (String d : DATASETS) {
      if (chance(35)) {
        inputs.add(new TrainingRun.DatasetInput(d, chance(60) ? "sha:" + d.hashCode() : null, null, "training"));
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (chance(30)) {
      params.put("threshold.auc", ">=0.9");
    }
    if (chance(40)) {
      params.put("instance_type", "gpu.large");
    }
    Instant started = daysAgo(250);
    return new TrainingRun("reg", null, obs, "mlflow", null, "run-" + model + "-" + version, "exp-" + model, "train",
        "FINISHED", "alice", metrics, params, chance(40) ? Map.of("xgboost_version", "2.0") : Map.of(),
        chance(70) ? pick(List.of(commits)) : null, inputs, started, started.plus(Duration.ofHours(2)));
  }

  private String abbreviatedSometimes(String sha) {
    return shaVariety && chance(20) ? sha.substring(0, 9) : sha;
  }

  private String upperCaseSometimes(String sha) {
    return shaVariety && chance(20) ? sha.toUpperCase(java.util.Locale.ROOT) : sha;
  }

  private PipelineRun pipelineRun(int n, Instant obs) {
    boolean inProgress = chance(20);
    Instant finished = daysAgo(220);
    return new PipelineRun("ci", null, obs, "github-actions", "acme/models", "train", "r" + n, "main",
        upperCaseSometimes(pick(List.of(commits)).substring(0, chance(30) ? 12 : 40)), inProgress ? "in_progress" : "completed",
        inProgress ? null : (chance(70) ? "success" : "failure"), finished.minus(Duration.ofMinutes(30)),
        inProgress ? null : finished, null);
  }

  private Dataset dataset(String source, String name, Instant obs) {
    List<Dataset.QualityCheck> checks = new ArrayList<>();
    for (String check : List.of("not_null", "unique")) {
      if (chance(60)) {
        checks.add(new Dataset.QualityCheck(check, chance(80) ? "PASSED" : "FAILED", chance(90) ? daysAgo(40) : null));
      }
    }
    Dataset.Acquisition acquisition = chance(30) ? null : new Dataset.Acquisition(chance(80) ? "vendor" : null,
        chance(70) ? "cc-by" : null, chance(70) ? "contract" : null, null);
    return new Dataset(source, null, obs, source.equals("cat") ? "datahub" : "openmetadata", name,
        name.substring(name.indexOf('.') + 1), chance(50) ? List.of() : List.of("data-team"),
        chance(50) ? List.of() : List.of("confidential"), chance(40) ? null : "table " + name,
        chance(50) ? List.of() : List.of("raw." + name), checks, acquisition, daysAgo(10));
  }

  private ModelMonitor monitor(String model, String version, Instant obs) {
    return new ModelMonitor("mon", null, obs, "evidently", model, version, pick(List.of("drift", "quality", "logging")),
        chance(70), chance(90) ? daysAgo(40) : null, pick(java.util.Arrays.asList("ok", "alert", null)));
  }

  private Attestation attestation(String type, String system, Instant obs) {
    Instant approved = chance(85) ? daysAgo(420) : null;
    Instant validUntil = chance(40) ? null : BASE.plus(Duration.ofDays(random.nextInt(120) - 30));
    return new Attestation("att", null, obs, type, system, "reviewed", approved == null || chance(90) ? "board" : "",
        approved, validUntil, "DOC-" + type.hashCode());
  }
}
