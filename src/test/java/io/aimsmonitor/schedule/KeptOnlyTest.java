package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MonitorService#keptOnly}: which facts are re-stamped copies of which, carried through the
 * AIMS scope to the facts it kept, so that the comparison is never told a fact copies another
 * object than the one the store said.
 */
class KeptOnlyTest {

  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void aScopeThatKeepsEverythingKeepsTheRelationAsItIs() {
    List<Fact> all = facts(4);
    Fact[] copiedFrom = {all.get(1), null, all.get(0), null, null};
    assertThat(MonitorService.keptOnly(all, all, copiedFrom, 1)).isSameAs(copiedFrom);
  }

  @Test
  void theFactsAScopeDroppedAreDroppedFromTheRelationAndTheExtraEntriesStayEmpty() {
    List<Fact> all = facts(6);
    Fact[] originals = facts(6).toArray(new Fact[0]);
    Fact[] copiedFrom = {originals[0], null, originals[2], originals[3], null, originals[5], null, null};
    List<Fact> kept = List.of(all.get(0), all.get(3), all.get(4), all.get(5));

    Fact[] out = MonitorService.keptOnly(all, kept, copiedFrom, 2);

    assertThat(out).containsExactly(originals[0], originals[3], null, originals[5], null, null);
  }

  @Test
  void aFactReportedTwiceKeepsEachPositionsOriginal() {
    List<Fact> all = facts(3);
    all.add(1, all.get(0)); // the same object twice, as a snapshot holds a fact reported twice
    Fact[] originals = facts(4).toArray(new Fact[0]);
    Fact[] copiedFrom = {originals[0], originals[1], originals[2], null};
    List<Fact> kept = List.of(all.get(0), all.get(1), all.get(3));

    assertThat(MonitorService.keptOnly(all, kept, copiedFrom, 0)).containsExactly(originals[0], originals[1], null);
  }

  @Test
  void aScopeThatReordersOrMakesNewObjectsLeavesTheFactsToBeCompared() {
    List<Fact> all = facts(3);
    Fact[] copiedFrom = {null, all.get(0), null, null};
    assertThat(MonitorService.keptOnly(all, List.of(all.get(2), all.get(0)), copiedFrom, 1)).isNull();
    assertThat(MonitorService.keptOnly(all, facts(3), copiedFrom, 1)).isNull(); // equal, not the same objects
  }

  private static List<Fact> facts(int n) {
    List<Fact> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ModelVersion("src", null, T0, "mlflow", "m" + i, "1", "Production", List.of(), List.of(), null,
          "x", Map.of(), null, null, null, null, null, null, null, null, null));
    }
    return out;
  }
}
