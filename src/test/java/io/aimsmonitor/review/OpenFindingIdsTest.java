package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.finding.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sync skips the ids the filter rules out, so it must never rule out one it was given. */
class OpenFindingIdsTest {

  @Test
  void neverRulesOutAnIdItWasGivenOrAddedAndRulesOutMostOthers() {
    List<String> open = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      open.add(Finding.idOf("rule-" + (i % 13), "src:model-" + i + "/1"));
    }
    OpenFindingIds ids = new OpenFindingIds(open);
    List<String> later = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) { // as many again opened before the next full sync: the room it leaves
      later.add(Finding.idOf("rule-" + (i % 13), "src:run/" + i));
      ids.add(later.get(i));
    }
    assertThat(open).allMatch(ids::mayContain);
    assertThat(later).allMatch(ids::mayContain);
    int falsePositives = 0;
    for (int i = 0; i < 20_000; i++) {
      falsePositives += ids.mayContain(Finding.idOf("other-" + (i % 13), "src:model-" + i + "/1")) ? 1 : 0;
    }
    assertThat(falsePositives).as("of 20,000 ids never given").isLessThan(400);
  }
}
