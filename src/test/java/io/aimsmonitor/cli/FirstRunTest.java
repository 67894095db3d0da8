package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.fact.FactJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as a newcomer runs them, in a folder of their own that is not the repository: each
 * in its own process, so that "the current directory" is really that folder. They find the bundled
 * demo and packs the same way, a check that tested nothing fails, and none leaves a file behind.
 */
class FirstRunTest {

  @TempDir
  Path home;

  record Result(int exit, String out, String err) {}

  private Result run(Path workingDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AimsMonitorApplication.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("aims-out", ".txt");
    Path err = Files.createTempFile("aims-err", ".txt");
    try {
      Process p = new ProcessBuilder(command).directory(workingDir.toFile()).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("aims-monitor " + String.join(" ", args) + " did not finish");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private List<Path> leftBehind() throws IOException {
    try (Stream<Path> files = Files.walk(home)) {
      return files.filter(p -> !p.equals(home)).toList();
    }
  }

  @Test
  void outsideTheRepositoryEveryCommandUsesTheBundledDemoAndPacksAndLeavesNothingBehind() throws Exception {
    Result controls = run(home, "controls");
    assertThat(controls.exit()).as(controls.err()).isZero();
    assertThat(controls.out()).contains("A.3.2").contains("lifecycle.production-version-has-owner");

    Result validate = run(home, "validate");
    assertThat(validate.exit()).as(validate.err()).isZero();
    assertThat(validate.out()).contains("in the bundled demo are valid").contains("rule pack aims-lifecycle (bundled)");

    Result testRules = run(home, "test-rules");
    assertThat(testRules.exit()).as(testRules.out()).isZero();
    assertThat(testRules.out()).containsPattern("[1-9][0-9]* passed, 0 failed");

    Result scan = run(home, "scan", "--format", "json");
    assertThat(scan.exit()).as(scan.err()).isZero();
    assertThat(FactJson.MAPPER.readTree(scan.out()).get("complete").asBoolean()).isTrue();

    assertThat(leftBehind()).as("files written into the current directory").isEmpty();
  }

  @Test
  void testRulesThatTestNothingFails() throws Exception {
    Result missing = run(home, "test-rules", "no-such-folder");
    assertThat(missing.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(missing.err()).contains("no-such-folder").contains("is not a folder");

    Path pack = Files.createDirectories(home.resolve("rules/empty-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: empty-pack\n");
    Files.writeString(pack.resolve("rules.drl"), """
        package empty;
        import io.aimsmonitor.fact.ModelVersion;
        rule "empty.any-version"
          @control("A.6.2.5") @severity("low") @title("t") @remediation("r")
        when
          $m : ModelVersion( )
        then
        end
        """);
    Result noCases = run(home, "test-rules");
    assertThat(noCases.exit()).as(noCases.out()).isEqualTo(ExitCodes.INVALID);
    assertThat(noCases.out()).contains("no test cases in any pack").contains("nothing was tested");
  }

  @Test
  void scanReportsEveryProblemOfABrokenPackOnceWithoutDroolsOwnLogging() throws Exception {
    Path pack = Files.createDirectories(home.resolve("rules/broken"));
    Files.writeString(pack.resolve("pack.yaml"), "name: broken\n");
    Files.writeString(pack.resolve("rules.drl"), """
        package broken;
        import io.aimsmonitor.fact.ModelVersion;
        rule "broken.typo"
          @control("A.6.2.5") @severity("low") @title("t") @remediation("r")
        when
          $m : ModelVersion( productio )
        then
        end
        rule "broken.metadata"
          @control("A.3.9") @severity("urgent") @title("t") @remediation("r")
        when
          $m : ModelVersion( )
        then
        end
        """);
    Result scan = run(home, "scan");
    assertThat(scan.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(scan.err()).as("compiler error and metadata problems in one report")
        .contains("rules.drl:6: Unable to Analyse Expression productio")
        .contains("rule \"broken.metadata\": unknown control id 'A.3.9'")
        .contains("rule \"broken.metadata\": @severity 'urgent'")
        .doesNotContain("Unable to build KieBaseModel");
    assertThat(scan.err().split("unknown control id 'A.3.9'", -1)).as("reported once").hasSize(2);
    assertThat(leftBehind()).allSatisfy(p -> assertThat(home.relativize(p).toString()).startsWith("rules"));
  }
}
