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
  void theWalkDecidesAsTheRegexOnEdgeCasesAndRandomText() {
    List<String> globs = List.of("*image*", "*_VERSION", "a?c", "*", "", " *gpu* ", "**x*y*", "?", "a*b*c", "k\u00e9*",
        "\ud83d\ude00*", "*.*", "x\\y*", "*a*a*a*b");
    List<String> texts = new java.util.ArrayList<>(List.of("", "docker_image", "IMAGE", "xgboost_version", "ABC", "ac",
        "abbc", "K\u00c9y", "k\u00e9y", "\ud83d\ude00!", "\ud83d\ude00", "a.b", "ab", "x\\yz", "line\nimage",
        "image\r", "aaaaaaaaaaaab", "aaaaaaaaaaaa", "gpu_count", "axyb", "\u2028"));
    java.util.Random random = new java.util.Random(14);
    String alphabet = "aAbBcCxXyY_.*?\n\u00e9";
    for (int i = 0; i < 2_000; i++) {
      StringBuilder t = new StringBuilder();
      for (int n = random.nextInt(8); n > 0; n--) {
        t.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      texts.add(t.toString());
    }
    for (String g : globs) {
      RuleFunctions.Glob glob = RuleFunctions.Glob.of(g);
      for (String text : texts) {
        assertThat(glob.matches(text)).as("glob '%s' on '%s'", g, text).isEqualTo(glob.regex().matcher(text).matches());
      }
    }
  }

  @Test
  void manyDistinctGlobsDoNotGrowTheCacheWithoutBound() {
    for (int i = 0; i < RuleFunctions.GLOB_CACHE_SIZE * 3; i++) {
      assertThat(RuleFunctions.glob("g" + i + "*").matcher("G" + i + "x").matches()).isTrue();
    }
    assertThat(RuleFunctions.cachedGlobs()).isLessThanOrEqualTo(RuleFunctions.GLOB_CACHE_SIZE);
  }
}
