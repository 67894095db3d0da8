package io.aimsmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aims-monitor test-rules} on copies of a shipped pack: passing, with a wrong expectation, and broken. */
class TestRulesCommandTest {

  @TempDir
  Path tmp;

  private record Run(int exit, String output) {}

  private Run run(String... args) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    int exit = new CommandLine(new TestRulesCommand()).setOut(out).setErr(out).execute(args);
    return new Run(exit, text.toString());
  }

  private Path copyOfPack(String name) throws IOException {
    Path source = Path.of("rules", name);
    Path target = tmp.resolve("rules").resolve(name);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  @Test
  void aShippedPackPasses() throws IOException {
    Path pack = copyOfPack("aims-monitoring");
    Run run = run(pack.toString());
    assertEquals(ExitCodes.OK, run.exit(), run.output());
    assertTrue(run.output().contains(" 0 failed"), run.output());
  }

  @Test
  void aWrongExpectationFailsNamingTheCaseTheRuleAndTheSubject() throws IOException {
    Path pack = copyOfPack("aims-monitoring");
    Path cases = pack.resolve("tests/monitoring.yaml");
    String text = Files.readString(cases);
    String right = String.join("\n",
        "  - name: a production model with no monitor is reported",
        "    without: [test:fraud-detector#drift]",
        "    expect:",
        "      - {rule: monitoring.production-model-monitored, subject: \"test:fraud-detector/7\"}");
    assertTrue(text.contains(right), "the shipped case this test edits has changed");
    Files.writeString(cases, text.replace(right, right.replace("test:fraud-detector/7", "test:fraud-detector/8")));
    Path xml = tmp.resolve("reports/rules.xml");

    Run run = run(pack.getParent().toString(), "--junit-xml", xml.toString());

    assertEquals(ExitCodes.FINDINGS, run.exit(), run.output());
    assertTrue(run.output().contains("FAILED  a production model with no monitor is reported (" + cases + ")"),
        run.output());
    assertTrue(run.output().contains("missing:    monitoring.production-model-monitored on test:fraud-detector/8"),
        run.output());
    assertTrue(run.output().contains("unexpected: monitoring.production-model-monitored on test:fraud-detector/7:"
        + " Model fraud-detector v7 serves production but no drift, quality or performance monitor watches it."),
        run.output());
    assertTrue(run.output().contains("14 passed, 1 failed" + System.lineSeparator()), run.output());
    String junit = Files.readString(xml);
    assertTrue(junit.contains("<testsuite name=\"aims-monitoring\" tests=\"15\" failures=\"1\" errors=\"0\""), junit);
    assertTrue(junit.contains("<failure message=\"1 expected violation(s) missing, 1 unexpected\">"), junit);
  }

  @Test
  void anExpectationNamingAnUnknownRuleIsAnError() throws IOException {
    Path pack = copyOfPack("aims-monitoring");
    Path cases = pack.resolve("tests/monitoring.yaml");
    Files.writeString(cases, Files.readString(cases).replaceFirst("monitoring\\.evidence-fresh", "monitoring.evidence-frsh"));

    Run run = run(pack.toString());

    assertEquals(ExitCodes.FINDINGS, run.exit(), run.output());
    assertTrue(run.output().contains("expects rule(s) [monitoring.evidence-frsh] that pack 'aims-monitoring' does not define"),
        run.output());
  }

  @Test
  void aShadowPackIsValidatedAndTestedLikeAnyPack() throws IOException {
    Path pack = copyOfPack("aims-monitoring");
    Path yaml = pack.resolve("pack.yaml");
    Files.writeString(yaml, Files.readString(yaml) + "shadow: true\n");

    Run tested = run(pack.getParent().toString());
    assertEquals(ExitCodes.OK, tested.exit(), tested.output());
    assertTrue(tested.output().contains("15 passed, 0 failed"), tested.output());

    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    int exit = new CommandLine(new AimsCommand()).setOut(out).setErr(out)
        .execute("validate", "--rules", pack.getParent().toString());
    assertEquals(ExitCodes.OK, exit, text.toString());
    assertTrue(text.toString().contains("rule pack aims-monitoring (shadow): "), text.toString());

    Files.writeString(yaml, Files.readString(yaml).replace("shadow: true", "shadow: yes please"));
    Run invalid = run(pack.toString());
    assertEquals(ExitCodes.INVALID, invalid.exit(), invalid.output());
    assertTrue(invalid.output().contains("shadow: expected true or false, got 'yes please'"), invalid.output());
  }

  @Test
  void anInvalidPackExitsTwo() throws IOException {
    Path pack = copyOfPack("aims-monitoring");
    Path drl = pack.resolve("monitoring.drl");
    Files.writeString(drl, Files.readString(drl).replace("@control(\"9.1, 10.2\")", "@control(\"A.9.9\")"));

    Run run = run(pack.toString());

    assertEquals(ExitCodes.INVALID, run.exit(), run.output());
    assertTrue(run.output().contains("rule pack 'aims-monitoring' is invalid"), run.output());
    assertTrue(run.output().contains("unknown control id 'A.9.9'"), run.output());
  }

  @Test
  void aFolderWithoutPacksExitsTwo() {
    Run run = run(tmp.toString());
    assertEquals(ExitCodes.INVALID, run.exit(), run.output());
    assertTrue(run.output().contains("no rule packs"), run.output());
  }
}
