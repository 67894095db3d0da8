package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleFunctionsGlobTest {

  @Test
  void theSameGlobIsCompiledOnceAndStillMatchesCaseInsensitively() {
    var first = RuleFunctions.glob("*Image*");
    var again = RuleFunctions.glob("*Image*");
    assertThat(again).isSameAs(first);
    assertThat(first.matcher("docker_image").matches()).isTrue();
    assertThat(RuleFunctions.glob("a?c").matcher("ABC").matches()).isTrue();
    assertThat(RuleFunctions.glob("a.c").matcher("abc").matches()).as("dots are literal").isFalse();
    assertThat(RuleFunctions.matchingKeys(List.of("*image*", "sha"), Map.of("docker_image", 1, "SHA", 2, "x", 3)))
        .containsExactlyInAnyOrder("docker_image", "SHA");
  }

  @Test
  void manyDistinctGlobsDoNotGrowTheCacheWithoutBound() {
    for (int i = 0; i < RuleFunctions.GLOB_CACHE_SIZE * 3; i++) {
      assertThat(RuleFunctions.glob("g" + i + "*").matcher("G" + i + "x").matches()).isTrue();
    }
    assertThat(RuleFunctions.cachedGlobs()).isLessThanOrEqualTo(RuleFunctions.GLOB_CACHE_SIZE);
  }
}
