package io.aimsmonitor.bench;

import static io.aimsmonitor.rules.RuleFunctions.blank;
import static io.aimsmonitor.rules.RuleFunctions.commitOf;
import static io.aimsmonitor.rules.RuleFunctions.containsIgnoreCase;
import static io.aimsmonitor.rules.RuleFunctions.empty;
import static io.aimsmonitor.rules.RuleFunctions.hasCard;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.Ref;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.PipelineIndex;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor: five representative rules of aims-lifecycle (a plain condition, a condition on a
 * nested value, a negated join, a collect through the CI index and a parameter lookup) evaluated by
 * Drools, as a pack holding just those five rules copied from the shipped DRL, against a plain Java
 * pass over the same facts that makes the same decisions. The ratio says how much the engine
 * costs beyond the work itself. A check that both report the same violations keeps the floor honest.
 */
final class RuleFloor {

  static final List<String> RULES = List.of("lifecycle.production-version-has-owner",
      "lifecycle.production-version-documented", "lifecycle.source-run-recorded", "lifecycle.production-version-passed-ci",
      "lifecycle.production-version-approved");

  record Result(long droolsMs, long floorMs, int violations) {}

  private RuleFloor() {}

  static Result measure(Path rules, List<Fact> facts, Instant now, int rounds) throws Exception {
    RulePack pack = fivePack(rules);
    Evaluator evaluator = new Evaluator();
    List<Long> drools = new ArrayList<>();
    List<Long> floor = new ArrayList<>();
    int droolsViolations = 0;
    int floorViolations = 0;
    for (int round = -1; round < rounds; round++) {
      // Each side starts from a collected heap: garbage left by what ran before (the harness's
      // earlier phases, the other side's last round) is not charged to whichever side happens to
      // allocate when a collection falls due. What a side's own allocation costs still counts.
      System.gc();
      long t = System.nanoTime();
      Evaluator.PackResult result = evaluator.evaluate(pack, facts, now);
      long d = (System.nanoTime() - t) / 1_000_000;
      if (!result.succeeded()) {
        throw new IllegalStateException(result.error());
      }
      droolsViolations = result.violations().size();
      result = null;
      System.gc();
      t = System.nanoTime();
      floorViolations = floor(facts, List.of("APPROVED"));
      long f = (System.nanoTime() - t) / 1_000_000;
      if (round >= 0) {
        drools.add(d);
        floor.add(f);
      }
    }
    if (droolsViolations != floorViolations) {
      throw new IllegalStateException("the floor decides differently: Drools " + droolsViolations + ", Java "
          + floorViolations + " violations");
    }
    return new Result(median(drools), median(floor), floorViolations);
  }

  /** The five rules in plain Java: the number of violations. */
  static int floor(List<Fact> facts, List<String> approvedStatuses) {
    List<ModelVersion> production = new ArrayList<>();
    Map<Ref, List<TrainingRun>> runsByRef = new HashMap<>();
    List<PipelineRun> pipelines = new ArrayList<>();
    for (Fact f : facts) {
      if (f instanceof ModelVersion m && m.isProduction()) {
        production.add(m);
        if (m.sourceRun() != null) {
          runsByRef.putIfAbsent(m.sourceRun(), new ArrayList<>(1));
        }
      } else if (f instanceof PipelineRun p) {
        pipelines.add(p);
      }
    }
    // only the runs a production version names, as the pack's semi-join gives its session (pack.yaml
    // semiJoins): the floor does the same work as the engine, not more
    for (Fact f : facts) {
      if (f instanceof TrainingRun r) {
        List<TrainingRun> named = runsByRef.get(r.ref());
        if (named != null) {
          named.add(r);
        }
      }
    }
    PipelineIndex ci = PipelineIndex.of(pipelines);
    int violations = 0;
    for (ModelVersion m : production) {
      List<TrainingRun> runs = runsByRef.getOrDefault(m.sourceRun(), List.of());
      if (empty(m.owners())) {
        violations++;
      }
      if (blank(m.description()) && !hasCard(m.card())) {
        violations++;
      }
      if (!blank(m.sourceRunId()) && runs.isEmpty()) {
        violations++;
      }
      if (ci.successfulFor(commitOf(m, runs)).isEmpty()) {
        violations++;
      }
      if (!containsIgnoreCase(approvedStatuses, m.approvalStatus())) {
        violations++;
      }
    }
    return violations;
  }

  /** A rules folder with one pack: aims-lifecycle's header, parameters and the five rules. */
  static RulePack fivePack(Path rules) throws Exception {
    Path shipped = rules.resolve("aims-lifecycle");
    String drl = Files.readString(shipped.resolve("lifecycle.drl"));
    int firstRule = drl.indexOf("\nrule \"");
    StringBuilder five = new StringBuilder(drl.substring(0, firstRule + 1));
    // the pack's @derives rules too: the five read what they insert (VersionRuns, VersionCi)
    Matcher derives = Pattern.compile("(?ms)^rule \"[^\"]+\"\\s*\\n\\s*@derives\\(.*?^end\\s*$").matcher(drl);
    while (derives.find()) {
      five.append(derives.group()).append("\n\n");
    }
    for (String id : RULES) {
      Matcher m = Pattern.compile("(?ms)^rule \"" + Pattern.quote(id) + "\".*?^end\\s*$").matcher(drl);
      if (!m.find()) {
        throw new IllegalStateException("rule " + id + " is no longer in aims-lifecycle");
      }
      five.append(m.group()).append("\n\n");
    }
    Path dir = Files.createTempDirectory("aims-floor");
    Path pack = Files.createDirectories(dir.resolve("aims-lifecycle"));
    Files.copy(shipped.resolve("pack.yaml"), pack.resolve("pack.yaml"));
    Files.writeString(pack.resolve("lifecycle.drl"), five);
    RuleBook book = new RuleBook(dir, new RulePackLoader(ControlCatalog.bundled()), Map.of(), Clock.systemUTC());
    book.reload();
    if (book.packs().size() != 1 || book.packs().get(0).rules().size() != RULES.size()) {
      throw new IllegalStateException("the five-rule pack did not load: " + book.packs());
    }
    return book.packs().get(0);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
