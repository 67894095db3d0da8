package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DatasetCatalog#of} builds a catalog from the previous one, regrouping only what a dataset
 * that came or went touches: it must always give what building from scratch gives (the same
 * merged datasets, in the same order, and the same known names), whatever the changes.
 */
class DatasetCatalogTest {

  private static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void aCatalogBuiltFromThePreviousOneEqualsOneBuiltFromScratch() {
    Random random = new Random(42);
    for (int estate = 0; estate < 20; estate++) {
      List<Dataset> facts = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        facts.add(dataset(random));
      }
      for (int step = 0; step < 40; step++) {
        switch (random.nextInt(7)) {
          case 0 -> facts.add(random.nextInt(facts.size() + 1), dataset(random)); // a new dataset
          case 1 -> {
            if (!facts.isEmpty()) {
              facts.remove(random.nextInt(facts.size())); // one went
            }
          }
          case 2 -> {
            if (!facts.isEmpty()) { // one changed: removed, its new version appended (as a collect does)
              facts.remove(random.nextInt(facts.size()));
              facts.add(dataset(random));
            }
          }
          case 3 -> {
            if (facts.size() > 1) { // the order changed, which decides a merge's primary among equals
              Collections.swap(facts, random.nextInt(facts.size()), random.nextInt(facts.size()));
            }
          }
          case 4 -> Collections.shuffle(facts, random);
          case 5 -> {
            if (!facts.isEmpty()) { // one object listed twice
              facts.add(facts.get(random.nextInt(facts.size())));
            }
          }
          default -> { } // nothing changed
        }
        List<Object> input = new ArrayList<>(facts);
        input.add("not a dataset");
        DatasetCatalog incremental = DatasetCatalog.of(input);
        DatasetCatalog scratch = DatasetCatalog.ofScratch(input);
        assertThat(incremental.merged()).as("estate %d step %d", estate, step).isEqualTo(scratch.merged());
        TrainingRun run = run(random);
        assertThat(incremental.uncatalogued(run)).isEqualTo(scratch.uncatalogued(run));
      }
    }
  }

  @Test
  void aChangedDatasetLeavesTheOtherGroupsMergedAsTheyWere() {
    List<Dataset> facts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      facts.add(new Dataset("datahub", null, AT, "datahub", "lake.t" + i, "t" + i, List.of(), List.of(), null,
          List.of(), List.of(), null, AT));
      facts.add(new Dataset("lineage", null, AT, "openlineage", "lake.t" + i, "t" + i, List.of("team-" + i), List.of(),
          "described", List.of("raw.s" + i), List.of(), null, AT));
    }
    List<Dataset> before = DatasetCatalog.of(new ArrayList<>(facts)).merged();
    facts.remove(1);
    facts.add(new Dataset("lineage", null, AT, "openlineage", "lake.t0", "t0", List.of("someone-else"), List.of(),
        "described", List.of("raw.s0"), List.of(), null, AT));
    List<Dataset> after = DatasetCatalog.of(new ArrayList<>(facts)).merged();

    assertThat(after).hasSize(50).isEqualTo(DatasetCatalog.ofScratch(facts).merged());
    assertThat(after.get(0).owners()).containsExactly("someone-else");
    for (int i = 1; i < 50; i++) {
      assertThat(after.get(i)).as("group %d was not merged again", i).isSameAs(before.get(i));
    }
  }

  private static Dataset dataset(Random random) {
    int table = random.nextInt(25);
    List<String> identifiers = random.nextInt(4) == 0 ? List.of("urn:li:dataset:t" + random.nextInt(25)) : List.of();
    String catalog = random.nextBoolean() ? "openlineage" : "datahub";
    String qualified = random.nextInt(8) == 0 ? null : (random.nextBoolean() ? "Lake.T" : "lake.t") + table;
    return new Dataset("src-" + random.nextInt(3), null, AT, catalog, qualified, "t" + table,
        random.nextBoolean() ? List.of() : List.of("owner-" + random.nextInt(4)),
        random.nextBoolean() ? List.of() : List.of("pii"), random.nextBoolean() ? null : "about " + table,
        random.nextBoolean() ? List.of() : List.of("raw.s" + random.nextInt(25), "lake.t" + random.nextInt(25)),
        List.of(), null, AT.minusSeconds(random.nextInt(1000)), random.nextBoolean() ? null : "d" + random.nextInt(3),
        List.of(), List.of(), identifiers, Map.of("k" + random.nextInt(3), "v" + random.nextInt(3)));
  }

  private static TrainingRun run(Random random) {
    List<TrainingRun.DatasetInput> inputs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inputs.add(new TrainingRun.DatasetInput("lake.t" + random.nextInt(30), null,
          random.nextBoolean() ? null : "urn:li:dataset:t" + random.nextInt(30), "training"));
    }
    return new TrainingRun("mlflow", null, AT, "mlflow", null, "run", "exp", "train", "FINISHED", "user", Map.of(),
        Map.of(), Map.of(), null, inputs, AT, AT);
  }
}
