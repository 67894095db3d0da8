package io.aimsmonitor.finding;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.FindingEvent.Type;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.rules.Violation;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle rules of findings, on the pure reconciler. */
class ReconcilerTest {

  private static final RuleDefinition RULE = new RuleDefinition("r.owner", "p", "Has owner", Severity.HIGH,
      List.of("A.3.2"), "full", "", "Set one.", List.of(), List.of(), Set.of(ModelVersion.class));
  private static final Subject SUBJECT = new Subject("ModelVersion", "src:m/1", "m v1", null);
  private static final String ID = Finding.idOf("r.owner", "src:m/1");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final Reconciler reconciler = new Reconciler();
  private final Map<String, Finding> store = new HashMap<>();

  private Reconciler.Result run(List<Violation> violations, Set<String> loaded, Set<String> stale, Instant now,
      Map<String, RuleDefinition> evaluated) {
    Reconciler.Result result = reconciler.reconcile(new Reconciler.Input(Map.copyOf(store), violations, evaluated,
        loaded, stale, Map.of("src", 7L), now));
    result.changed().forEach(f -> store.put(f.id(), f));
    result.seenUnchanged().forEach(id -> {
      Finding f = store.get(id);
      store.put(id, new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(),
          f.remediation(), f.subject(), f.evidence(), f.status(), f.stale(), f.firstSeen(), result.at(), f.resolvedAt()));
    });
    return result;
  }

  private Reconciler.Result run(List<Violation> violations, Set<String> stale, Instant now) {
    return run(violations, Set.of("r.owner"), stale, now, Map.of("r.owner", RULE));
  }

  private static Violation violation(String message) {
    return new Violation("r.owner", SUBJECT, message, Map.of("owners", List.of(), "source", "src"));
  }

  /** Evidence as a rule holds it: a record inside a list, a long, keys in the rule's order. */
  record Check(String name, Instant at, long runs) {}

  /**
   * Evidence compared without its snapshot id: by {@code equals} where that tells (issue #14: the
   * canonical JSON of both sides was a tenth of the client's CPU for 100,000 findings seen again),
   * else in the canonical form, which equates a record with its map and an Integer with a Long.
   */
  @Test
  void evidenceIsComparedWithoutItsSnapshotWhetherEqualsOrOnlyTheCanonicalFormTells() {
    Map<String, Object> stored = new java.util.LinkedHashMap<>();
    stored.put("source", "src");
    stored.put("owners", List.of("ann"));
    stored.put("snapshot", 6);
    stored.put("note", null);
    Map<String, Object> fresh = new java.util.LinkedHashMap<>();
    fresh.put("note", null);
    fresh.put("owners", new java.util.ArrayList<>(List.of("ann")));
    fresh.put("source", "src");
    fresh.put("snapshot", 7L);
    assertThat(Reconciler.sameEvidence(stored, fresh)).isTrue();
    assertThat(Reconciler.sameEvidence(Map.of("source", "src"), fresh)).as("a key with null is a key").isFalse();
    fresh.remove("snapshot");
    assertThat(Reconciler.sameEvidence(stored, fresh)).as("with and without a snapshot").isTrue();
    assertThat(Reconciler.sameEvidence(Map.of("runs", 3, "check", Map.of("name", "bias", "runs", 3, "at", T0.toString())),
        Map.of("runs", 3L, "check", new Check("bias", T0, 3L)))).as("only the canonical form tells").isTrue();
    fresh.put("owners", List.of("bob"));
    assertThat(Reconciler.sameEvidence(stored, fresh)).isFalse();
  }

  @Test
  void evidenceHoldingRecordsIsUnchangedAfterTheStoresJsonRoundTrip() {
    Map<String, Object> fresh = new java.util.LinkedHashMap<>();
    fresh.put("source", "src");
    fresh.put("checks", List.of(new Check("bias", T0, 3L)));
    fresh.put("days", 400L);
    Violation v = new Violation("r.owner", SUBJECT, "m has stale checks", fresh);
    run(List.of(v), Set.of(), T0);
    // what the store gives back: maps, ISO strings and Integers, in JSON's key order
    Finding stored = store.get(ID);
    Map<String, Object> roundTrip = io.aimsmonitor.fact.FactJson.MAPPER.readValue(
        io.aimsmonitor.fact.FactJson.MAPPER.writeValueAsString(stored.evidence()),
        new tools.jackson.core.type.TypeReference<Map<String, Object>>() {});
    assertThat(roundTrip.get("checks")).isInstanceOf(List.class);
    assertThat(((List<?>) roundTrip.get("checks")).get(0)).isInstanceOf(Map.class);
    store.put(ID, new Finding(ID, stored.ruleId(), stored.pack(), stored.title(), stored.severity(), stored.controls(),
        stored.message(), stored.remediation(), stored.subject(), roundTrip, stored.status(), stored.stale(),
        stored.firstSeen(), stored.lastSeen(), stored.resolvedAt()));

    Reconciler.Result again = run(List.of(v), Set.of(), T0.plusSeconds(60));
    assertThat(again.changed()).isEmpty();
    assertThat(again.events()).isEmpty();
    assertThat(again.seenUnchanged()).containsExactly(ID);

    Map<String, Object> moved = new java.util.LinkedHashMap<>(fresh);
    moved.put("checks", List.of(new Check("bias", T0, 4L)));
    Reconciler.Result changed = run(List.of(new Violation("r.owner", SUBJECT, "m has stale checks", moved)), Set.of(),
        T0.plusSeconds(120));
    assertThat(changed.events()).extracting(FindingEvent::type).containsExactly(Type.SEEN_AGAIN);
  }

  @Test
  void identityIsStableAndDependsOnRuleAndSubject() {
    assertThat(Finding.idOf("r.owner", "src:m/1")).isEqualTo(ID).hasSize(32);
    assertThat(Finding.idOf("r.owner", "src:m/2")).isNotEqualTo(ID);
    assertThat(Finding.idOf("r.other", "src:m/1")).isNotEqualTo(ID);
  }

  @Test
  void opensResolvesAndReopens() {
    assertThat(run(List.of(violation("m has no owner")), Set.of(), T0).events()).extracting(FindingEvent::type)
        .containsExactly(Type.OPENED);
    assertThat(store.get(ID).evidence()).containsEntry("snapshot", 7L);

    Reconciler.Result unchanged = run(List.of(violation("m has no owner")), Set.of(), T0.plusSeconds(60));
    assertThat(unchanged.events()).as("unchanged evidence only moves lastSeen").isEmpty();
    assertThat(unchanged.changed()).isEmpty();
    assertThat(unchanged.seenUnchanged()).containsExactly(ID);
    assertThat(store.get(ID).lastSeen()).isEqualTo(T0.plusSeconds(60));

    assertThat(run(List.of(violation("m still has no owner")), Set.of(), T0.plusSeconds(90)).events())
        .extracting(FindingEvent::type).containsExactly(Type.SEEN_AGAIN);

    assertThat(run(List.of(), Set.of(), T0.plusSeconds(120)).events()).extracting(FindingEvent::type)
        .containsExactly(Type.RESOLVED);
    assertThat(store.get(ID).status()).isEqualTo(Finding.Status.RESOLVED);
    assertThat(store.get(ID).resolvedAt()).isEqualTo(T0.plusSeconds(120));

    assertThat(run(List.of(violation("m has no owner")), Set.of(), T0.plusSeconds(180)).events())
        .extracting(FindingEvent::type).containsExactly(Type.REOPENED);
    assertThat(store.get(ID).firstSeen()).isEqualTo(T0);
    assertThat(store.get(ID).resolvedAt()).isNull();
  }

  @Test
  void aLiveFindingSeenUnchangedWritesNothingAndIsFixedWhenNotSeen() {
    Reconciler.Result opened = run(List.of(violation("m has no owner")), Set.of(), T0);
    assertThat(opened.live()).containsExactly(ID);
    Map<String, RuleDefinition> rules = Map.of("r.owner", RULE);
    // the store derives a live finding's last seen from the latest run: here T0 + 60 s
    Finding seen = store.get(ID);
    Map<String, Finding> existing = Map.of(ID, new Finding(ID, seen.ruleId(), seen.pack(), seen.title(),
        seen.severity(), seen.controls(), seen.message(), seen.remediation(), seen.subject(), seen.evidence(),
        seen.status(), seen.stale(), seen.firstSeen(), T0.plusSeconds(60), null));

    Reconciler.Result again = reconciler.reconcile(new Reconciler.Input(existing, List.of(violation("m has no owner")),
        rules, Set.of("r.owner"), Staleness.NONE, Map.of("src", 7L), T0.plusSeconds(120), Set.of(ID)));
    assertThat(again.isEmpty()).as("nothing to write").isTrue();

    Reconciler.Result packFailed = reconciler.reconcile(new Reconciler.Input(existing, List.of(), Map.of(),
        Set.of("r.owner"), Staleness.NONE, Map.of("src", 7L), T0.plusSeconds(120), Set.of(ID)));
    assertThat(packFailed.events()).isEmpty();
    assertThat(packFailed.unseen()).as("last seen stops at the last evaluation that saw it")
        .containsExactly(Map.entry(ID, T0.plusSeconds(60)));

    Reconciler.Result heldStale = reconciler.reconcile(new Reconciler.Input(existing, List.of(), rules,
        Set.of("r.owner"), Staleness.ofRules(Set.of("r.owner"), "src"), Map.of("src", 7L), T0.plusSeconds(120),
        Set.of(ID)));
    assertThat(heldStale.changed()).singleElement().satisfies(f -> {
      assertThat(f.stale()).isTrue();
      assertThat(f.lastSeen()).isEqualTo(T0.plusSeconds(60));
    });
    assertThat(heldStale.live()).isEmpty();
  }

  @Test
  void staleEvidenceNeverResolves() {
    run(List.of(violation("m has no owner")), Set.of(), T0);
    Reconciler.Result result = run(List.of(), Set.of("r.owner"), T0.plusSeconds(60));
    assertThat(result.events()).extracting(FindingEvent::type).containsExactly(Type.STALE);
    assertThat(store.get(ID).status()).isEqualTo(Finding.Status.OPEN);
    assertThat(store.get(ID).stale()).isTrue();
    assertThat(run(List.of(), Set.of("r.owner"), T0.plusSeconds(120)).events()).as("marked once").isEmpty();
    assertThat(run(List.of(), Set.of(), T0.plusSeconds(180)).events()).extracting(FindingEvent::type)
        .containsExactly(Type.RESOLVED);
  }

  @Test
  void aPackThatFailedLeavesItsFindingsUntouched() {
    run(List.of(violation("m has no owner")), Set.of(), T0);
    Reconciler.Result result = run(List.of(), Set.of("r.owner"), Set.of(), T0.plusSeconds(60), Map.of());
    assertThat(result.changed()).isEmpty();
    assertThat(store.get(ID).status()).isEqualTo(Finding.Status.OPEN);
  }

  @Test
  void aRetiredRuleResolvesItsFindings() {
    run(List.of(violation("m has no owner")), Set.of(), T0);
    Reconciler.Result result = run(List.of(), Set.of(), Set.of(), T0.plusSeconds(60), Map.of());
    assertThat(result.events()).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(Type.RESOLVED);
      assertThat(e.detail()).contains("no longer loaded");
    });
  }

  @Test
  void aRuleFiringTwiceForOneSubjectMakesOneFinding() {
    Reconciler.Result result = run(List.of(violation("a"), violation("b")), Set.of(), T0);
    assertThat(result.changed()).hasSize(1);
    assertThat(result.events()).hasSize(1);
  }

  /**
   * A subject reported twice (a source that lists one model version twice, with other owners and
   * stage) makes a finding that does not depend on the order of the reports: a fresh session lists
   * them in firing order, a long-lived one in the order they were made over its life, and the two
   * paths must store the same finding (IncrementalCycleTest, seed 42 with varied commits).
   */
  @Test
  void aFindingReportedTwiceIsTheSameWhateverTheOrderOfItsReports() {
    Violation owned = new Violation("r.owner", SUBJECT, "m v1 breaks it", Map.of("source", "src", "stage", "Production"),
        List.of("team-pricing"));
    Violation twin = new Violation("r.owner", SUBJECT, "m v1 breaks it", Map.of("source", "src", "stage", "Staging"),
        List.of(" ", "alice"));
    Violation other = new Violation("r.owner", SUBJECT, "m v1 breaks it too", Map.of("source", "src"), List.of());

    Finding one = reconcileNew(List.of(owned, twin, other));
    Finding reversed = reconcileNew(List.of(other, twin, owned));
    Finding shuffled = reconcileNew(List.of(twin, other, owned));

    assertThat(reversed).isEqualTo(one);
    assertThat(shuffled).isEqualTo(one);
    assertThat(one.message()).isEqualTo("m v1 breaks it"); // the first message, then the first evidence
    assertThat(one.evidence()).containsEntry("stage", "Production");
    assertThat(one.owners()).as("every owner the reports record").containsExactly("alice", "team-pricing");
  }

  /** A fresh reconciliation of these reports into one new finding. */
  private Finding reconcileNew(List<Violation> reports) {
    Reconciler.Result result = reconciler.reconcile(new Reconciler.Input(Map.of(), reports, Map.of("r.owner", RULE),
        Set.of("r.owner"), Set.of(), Map.of("src", 7L), T0));
    assertThat(result.changed()).hasSize(1);
    assertThat(result.events()).hasSize(1);
    return result.changed().get(0);
  }

  /**
   * Owners are stored as a set ({@code finding_owner}) and read back in the database's order: a
   * source listing them in another order, or twice, has not moved them, so a full reconciliation
   * does not rewrite the row (which a reconciliation of only the changes would not touch either).
   */
  @Test
  void ownersListedInAnotherOrderOrTwiceHaveNotMoved() {
    Violation v = new Violation("r.owner", SUBJECT, "m", Map.of("source", "src"), List.of("zed", "amy", "zed", ""));
    run(List.of(v), Set.of(), T0);
    Finding f = store.get(ID);
    store.put(ID, new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(),
        f.remediation(), f.subject(), f.evidence(), f.status(), f.stale(), f.firstSeen(), f.lastSeen(), f.resolvedAt(),
        List.of("amy", "zed"))); // as FindingRepository reads them back

    Reconciler.Result again = reconciler.reconcile(new Reconciler.Input(Map.copyOf(store), List.of(v),
        Map.of("r.owner", RULE), Set.of("r.owner"), Set.of(), Map.of("src", 7L), T0.plusSeconds(60)));
    assertThat(again.changed()).isEmpty();
    assertThat(again.seenUnchanged()).containsExactly(ID);

    Violation moved = new Violation("r.owner", SUBJECT, "m", Map.of("source", "src"), List.of("amy"));
    Reconciler.Result owners = reconciler.reconcile(new Reconciler.Input(Map.copyOf(store), List.of(moved),
        Map.of("r.owner", RULE), Set.of("r.owner"), Set.of(), Map.of("src", 7L), T0.plusSeconds(120)));
    assertThat(owners.changed()).extracting(Finding::owners).containsExactly(List.of("amy"));
    assertThat(owners.events()).as("a new owner is not a change of the finding").isEmpty();
  }
}
