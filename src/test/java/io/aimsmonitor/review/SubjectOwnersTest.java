package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The owners are a function of the set of facts: an evaluation in which no fact changed reuses the
 * last owners ({@link ReviewService#store}), which is only right if a collection listing the same
 * facts in another order gives the same owners.
 */
class SubjectOwnersTest {

  static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

  static ModelVersion version(String model, String owner, String runId) {
    return new ModelVersion("reg", null, AT, "mlflow", model, "1", "Production", List.of(), List.of(owner), null, null,
        Map.of(), runId, null, null, null, AT, AT, AT, null, null);
  }

  static TrainingRun run(String runId) {
    return new TrainingRun("reg", null, AT, "mlflow", null, runId, "exp", null, "FINISHED", "u", Map.of(), Map.of(),
        Map.of(), null, List.of(), AT, AT);
  }

  @Test
  void aRunTwoVersionsClaimTakesTheSameOwnerWhateverTheOrder() {
    List<Fact> facts = new ArrayList<>(List.of(version("b-model", "bob", "run-1"), version("a-model", "alice", "run-1"),
        run("run-1")));
    SubjectOwners one = SubjectOwners.of(facts);
    List<Fact> reversed = new ArrayList<>(facts);
    java.util.Collections.reverse(reversed);
    SubjectOwners other = SubjectOwners.of(reversed);
    assertThat(one.ownerOf("reg:run/run-1")).contains("alice"); // the version with the smallest subject key
    assertThat(other.ownerOf("reg:run/run-1")).contains("alice");
    assertThat(other.changedSince(one)).isEmpty();
    assertThat(one.ownerOf("reg:b-model/1")).as("a version's own owner").contains("bob");
  }

  @Test
  void changedSinceNamesGainedLostAndMovedOwnersWithTheirSubjectTypes() {
    SubjectOwners before = SubjectOwners.of(List.of(version("m", "alice", "run-1"), run("run-1")));
    SubjectOwners after = SubjectOwners.of(List.of(version("m", "bob", "run-1"), run("run-1"), version("n", "carol", null)));
    assertThat(after.changedSince(before)).isEqualTo(Map.of("reg:m/1", "ModelVersion", "reg:run/run-1", "TrainingRun",
        "reg:n/1", "ModelVersion"));
    assertThat(before.changedSince(after)).containsKey("reg:n/1");
  }

  // --- brought up to date from the facts that changed ---------------------------------------------

  /**
   * A small estate where everything collides: few models, versions, runs, systems and owners, so
   * that runs, model versions and systems have several candidates, ties on the same owner, subjects
   * reported twice, and facts without owners. Names with a key's separators ('/' in a monitored
   * model) come rarely, as {@code odd}: {@link SubjectOwners#update} then declines.
   */
  static Fact randomFact(Random r, boolean odd) {
    String source = r.nextInt(4) == 0 ? "hub" : "reg";
    List<String> owners = switch (r.nextInt(5)) {
      case 0 -> List.of();
      case 1 -> List.of("alice", "zed");
      default -> List.of(pick(r, "alice", "bob", "carol"));
    };
    String model = odd ? "org/m" + r.nextInt(3) : "m" + r.nextInt(4);
    String version = String.valueOf(r.nextInt(3));
    String run = "run-" + r.nextInt(6);
    String system = pick(r, "credit", "fraud", "chat");
    return switch (r.nextInt(odd ? 1 : 6) + (odd ? 3 : 0)) {
      case 0, 1 -> new ModelVersion(source, null, AT, "mlflow", model, version, r.nextBoolean() ? "Production" : "None",
          r.nextInt(4) == 0 ? List.of("champion") : List.of(), owners, null, null,
          r.nextBoolean() ? Map.of("aims.system", system) : Map.of(), r.nextInt(5) == 0 ? null : run, null, null, null, AT,
          AT, AT, null, null);
      case 2 -> new TrainingRun(source, null, AT, "mlflow", null, run, "exp", null, pick(r, "FINISHED", "FAILED"), "u",
          Map.of(), Map.of(), Map.of(), null, List.of(), AT, AT);
      case 3 -> new ModelMonitor(source, null, AT, "evidently", model, r.nextInt(3) == 0 ? null : version,
          pick(r, "drift", "accuracy"), r.nextBoolean(), AT, "ok");
      case 4 -> new Attestation(source, null, AT, pick(r, "impact-assessment", "risk-assessment"), system, "s",
          r.nextBoolean() ? "pat" : null, AT, null, null);
      default -> new Dataset(source, null, AT, "datahub", "lake.t" + r.nextInt(4), "t", owners, List.of(), null,
          List.of(), List.of(), null, AT);
    };
  }

  @SafeVarargs
  static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  @Test
  void ownersBroughtUpToDateFromTheChangedFactsEqualThoseFromEveryFact() {
    Tally tally = new Tally();
    for (long seed = 0; seed < 40; seed++) {
      Random r = new Random(seed);
      List<Fact> facts = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        facts.add(randomFact(r, false));
      }
      SubjectOwners kept = SubjectOwners.of(facts);
      for (int step = 0; step < 60; step++) {
        List<Fact> next = new ArrayList<>(facts);
        int changes = 1 + r.nextInt(4);
        for (int c = 0; c < changes; c++) {
          int what = r.nextInt(10);
          if (what < 3 && !next.isEmpty()) {
            next.remove(r.nextInt(next.size())); // gone
          } else if (what < 6) {
            next.add(randomFact(r, seed % 4 == 0 && r.nextInt(40) == 0)); // new; odd names in a quarter of the estates
          } else if (what < 7 && !next.isEmpty()) {
            next.add(next.get(r.nextInt(next.size()))); // the same subject reported twice
          } else if (!next.isEmpty()) {
            next.set(r.nextInt(next.size()), randomFact(r, false)); // changed: one gone, another new
          }
        }
        java.util.Collections.shuffle(next, r); // the facts' order is not the owners'
        kept = checkedUpdate(kept, facts, next, "seed " + seed + " step " + step, tally);
        facts = next;
      }
    }
    // the comparison above is only worth something if most steps were brought up to date (the
    // others: a smallest own owner gone while others were left, or a monitored model with a '/')
    assertThat(tally.updated).as("declined %d", tally.declined).isGreaterThan(2 * tally.declined);
  }

  /** How many steps {@link #checkedUpdate} brought up to date and declined, and how many owners moved. */
  private static final class Tally {
    int updated;
    int declined;
    int moved;
  }

  /**
   * Brings {@code kept}, the owners of {@code facts}, up to date with {@code next}, and requires the
   * owners, and the subjects whose owner moved, to be those taken from every fact. Returns the
   * owners standing for {@code next}: taken from every fact when the update declined, as
   * {@code ReviewService} does.
   */
  private static SubjectOwners checkedUpdate(SubjectOwners kept, List<Fact> facts, List<Fact> next, String step,
      Tally tally) {
    SubjectOwners before = SubjectOwners.of(facts);
    SubjectOwners expected = SubjectOwners.of(next);
    Map<String, String> changed = kept.update(minus(facts, next), minus(next, facts));
    SubjectOwners now = kept;
    if (changed == null) {
      tally.declined++;
      now = SubjectOwners.of(next);
    } else {
      tally.updated++;
      tally.moved += changed.size();
      assertThat(changed).as("%s: subjects whose owner moved", step).isEqualTo(expected.changedSince(before));
    }
    assertThat(now.all()).as(step).isEqualTo(expected.all());
    return now;
  }

  /**
   * A fact of {@code facts} as it is after one change of what decides owners: a model version's
   * owners, system, production flag or run; a training run's source; a monitor's model or version;
   * an attestation's system; a dataset's owners. Null when the fact drawn has nothing to change.
   */
  static Fact edited(Random r, Fact f) {
    List<String> owners = switch (r.nextInt(4)) {
      case 0 -> List.of();
      case 1 -> List.of(pick(r, "alice", "bob"), "zed");
      default -> List.of(pick(r, "alice", "bob", "carol"));
    };
    String system = pick(r, "credit", "fraud", "chat");
    if (f instanceof ModelVersion m) {
      return switch (r.nextInt(4)) {
        case 0 -> new ModelVersion(m.source(), null, AT, m.registry(), m.modelName(), m.version(), m.stage(), m.aliases(),
            owners, null, null, m.tags(), m.sourceRunId(), null, null, null, AT, AT, AT, null, null);
        case 1 -> new ModelVersion(m.source(), null, AT, m.registry(), m.modelName(), m.version(), m.stage(), m.aliases(),
            m.owners(), null, null, Map.of("aims.system", system), m.sourceRunId(), null, null, null, AT, AT, AT, null, null);
        case 2 -> new ModelVersion(m.source(), null, AT, m.registry(), m.modelName(), m.version(),
            m.isProduction() ? "None" : "Production", List.of(), m.owners(), null, null, m.tags(), m.sourceRunId(), null,
            null, null, AT, AT, AT, null, null);
        default -> new ModelVersion(m.source(), null, AT, m.registry(), m.modelName(), m.version(), m.stage(), m.aliases(),
            m.owners(), null, null, m.tags(), r.nextInt(4) == 0 ? null : "run-" + r.nextInt(6), null, null, null, AT, AT,
            AT, null, null);
      };
    } else if (f instanceof TrainingRun t) {
      return new TrainingRun("reg".equals(t.source()) ? "hub" : "reg", null, AT, "mlflow", null, t.runId(), "exp", null,
          t.status(), "u", Map.of(), Map.of(), Map.of(), null, List.of(), AT, AT);
    } else if (f instanceof ModelMonitor m) {
      return new ModelMonitor(m.source(), null, AT, "evidently", r.nextBoolean() ? "m" + r.nextInt(4) : m.modelName(),
          r.nextInt(3) == 0 ? null : String.valueOf(r.nextInt(3)), m.signal(), m.alertingConfigured(), AT, "ok");
    } else if (f instanceof Attestation a) {
      return new Attestation(a.source(), null, AT, a.type(), system, "s", null, AT, null, null);
    } else if (f instanceof Dataset d) {
      return new Dataset(d.source(), null, AT, d.catalog(), d.qualifiedName(), d.name(), owners, List.of(), null,
          List.of(), List.of(), null, AT);
    }
    return null;
  }

  @Test
  void ownersBroughtUpToDateFromEditsOfOneFactEqualThoseFromEveryFact() {
    Tally tally = new Tally();
    for (long seed = 0; seed < 60; seed++) {
      Random r = new Random(1000 + seed);
      List<Fact> facts = new ArrayList<>();
      for (int i = 0; i < 12 + r.nextInt(40); i++) {
        facts.add(randomFact(r, false));
      }
      SubjectOwners kept = SubjectOwners.of(facts);
      for (int step = 0; step < 50; step++) {
        List<Fact> next = new ArrayList<>(facts);
        int changes = 1 + r.nextInt(r.nextInt(8) == 0 ? 12 : 3); // now and then a larger change
        for (int c = 0; c < changes; c++) {
          int what = r.nextInt(12);
          if (what < 6 && !next.isEmpty()) {
            int i = r.nextInt(next.size());
            Fact now = edited(r, next.get(i));
            if (now != null) {
              next.set(i, now); // owner, system, production flag, run, source, model or version changed
            }
          } else if (what < 8 && !next.isEmpty()) {
            next.remove(r.nextInt(next.size()));
          } else if (what < 11) {
            next.add(randomFact(r, false));
          } else if (!next.isEmpty()) {
            next.add(next.get(r.nextInt(next.size()))); // the same subject reported twice
          }
        }
        java.util.Collections.shuffle(next, r);
        kept = checkedUpdate(kept, facts, next, "seed " + seed + " step " + step, tally);
        Map<String, String> all = kept.all();
        for (Fact f : next) { // ownerOf answers a derived owner from the key's group, not from a map of them
          String k = f.subject().key();
          assertThat(kept.ownerOf(k)).as("seed %d step %d: %s", seed, step, k)
              .isEqualTo(java.util.Optional.ofNullable(all.get(k)).map(v -> v.substring(0, v.indexOf(' '))));
        }
        facts = next;
      }
    }
    assertThat(tally.updated).as("declined %d", tally.declined).isGreaterThan(2 * tally.declined);
    assertThat(tally.moved).as("owners moved by the updates").isGreaterThan(tally.updated);
  }

  @Test
  void aBagKeepsEachElementOncePerAddAndDropsOneAtATime() {
    Object bag = null;
    for (int i = 0; i < 9; i++) {
      bag = SubjectOwners.Bag.add(bag, "k" + (i % 4));
    }
    bag = SubjectOwners.Bag.remove(bag, "k1");
    bag = SubjectOwners.Bag.remove(bag, "nothing");
    List<Object> left = new ArrayList<>();
    SubjectOwners.Bag.forEach(bag, left::add);
    assertThat(left).containsExactlyInAnyOrder("k0", "k0", "k0", "k1", "k2", "k2", "k3", "k3");
    for (String k : List.of("k0", "k0", "k0", "k1", "k2", "k2", "k3")) {
      bag = SubjectOwners.Bag.remove(bag, k);
    }
    assertThat(bag).as("one left: held alone").isEqualTo("k3");
    assertThat(SubjectOwners.Bag.contains(bag, "k3")).isTrue();
    assertThat(SubjectOwners.Bag.remove(bag, "k3")).isNull();
  }

  /** The facts of {@code a} not in {@code b}, as multisets (a fact given twice is two). */
  static List<Fact> minus(List<Fact> a, List<Fact> b) {
    Map<Fact, Integer> left = new HashMap<>();
    b.forEach(f -> left.merge(f, 1, Integer::sum));
    List<Fact> out = new ArrayList<>();
    for (Fact f : a) {
      Integer n = left.get(f);
      if (n == null || n == 0) {
        out.add(f);
      } else {
        left.put(f, n - 1);
      }
    }
    return out;
  }

  @Test
  void aSmallestOwnerGoneWhileOthersAreLeftIsTakenFromEveryFactAndAMonitoredModelWithASlashToo() {
    ModelVersion alice = version("m", "alice", "run-1");
    ModelVersion bob = version("m", "bob", "run-1"); // the same subject, reported twice with two owners
    List<Fact> facts = List.of(alice, bob, run("run-1"));
    SubjectOwners owners = SubjectOwners.of(facts);
    assertThat(owners.update(List.of(alice), List.of())).isNull();
    assertThat(owners.ownerOf("reg:m/1")).as("left as it was").contains("alice");
    ModelMonitor odd = new ModelMonitor("reg", null, AT, "evidently", "org/m", null, "drift", true, AT, "ok");
    assertThat(owners.update(List.of(), List.of(odd))).isNull();
    assertThat(owners.update(List.of(bob), List.of())).isEqualTo(Map.of());
  }
}
