package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A bad configuration is reported the way a person can act on it: a few lines naming the file (or
 * where the setting came from) and the key, no stack trace, and the documented exit code 2
 * (docs/cli.md). {@code serve} is run as a separate process, as people start it, so that
 * everything it prints (Spring's logging included) is checked; the other commands in-process.
 */
class BadConfigurationCliTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private Run serve(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AimsMonitorApplication.class.getName(), "serve",
        "--server.port=0", "--aims.scheduler.enabled=false", "--aims.data-dir=" + dir.resolve("data")));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("serve with a bad configuration did not exit: " + Files.readString(dir.resolve("out.txt")));
    }
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private static Run inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  /** A few lines, each an {@code error:} line, no stack trace, no Spring failure report. */
  private static void assertReportedInAFewLines(Run r, String... names) {
    assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.INVALID);
    List<String> errors = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertThat(errors).as(r.all()).isNotEmpty().hasSizeLessThanOrEqualTo(5)
        .allSatisfy(l -> assertThat(l).startsWith("error: "));
    for (String name : names) {
      assertThat(r.err()).as(r.all()).contains(name);
    }
    assertThat(r.all()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("APPLICATION FAILED TO START")
        .doesNotContain("Caused by");
  }

  @Test
  void serveWithBadSettingsNamesWhereEachWasSetAndTheKey() throws Exception {
    Path settings = Files.writeString(dir.resolve("aims-settings.yaml"), """
        aims:
          rules:
            limits:
              timeout: soon
        """);
    // two settings records, so both problems are reported (a record stops at its first bad key)
    Run r = serve("--spring.config.additional-location=file:" + settings, "--aims.api.max-json-body=lots");
    assertReportedInAFewLines(r, "aims-settings.yaml", "aims.rules.limits.timeout", "soon", "aims.api.max-json-body",
        "lots");
  }

  @Test
  void serveWithInvalidConnectorFilesAndAMissingRulesFolderNamesEachFileKeyAndSetting() throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors-bad"));
    Files.writeString(connectors.resolve("mlflow-prod.yaml"), "id: mlflow-prod\ntype: mlflow\nbaseUrl: http://mlflow:5000\nschedule: every hour\n");
    Files.writeString(connectors.resolve("broken.yaml"), "id: broken\ntype: [unclosed\n");
    Run r = serve("--aims.connectors-dir=" + connectors, "--aims.rules-dir=" + dir.resolve("no-such-rules"));
    assertReportedInAFewLines(r, "mlflow-prod.yaml", "schedule", "broken.yaml", "line 2", "aims.rules-dir", "no-such-rules");
  }

  @Test
  void scanValidateAndTestRulesReportABadConfigurationInAFewLinesWithExitCode2() throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors-bad"));
    Files.writeString(connectors.resolve("mlflow-prod.yaml"), "id: mlflow-prod\ntype: mlflow\nbaseUrl: http://mlflow:5000\ncolour: blue\n");
    Path missing = dir.resolve("no-such-folder");

    assertReportedInAFewLines(inProcess("scan", "--connectors", connectors.toString()), "mlflow-prod.yaml", "colour");
    Run validate = inProcess("validate", "--connectors", connectors.toString());
    assertThat(validate.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(validate.err()).contains("mlflow-prod.yaml").contains("colour").doesNotContain("\tat ");
    assertReportedInAFewLines(inProcess("test-rules", missing.toString()), "no-such-folder");
    Run validateMissing = inProcess("validate", "--rules", missing.toString());
    assertThat(validateMissing.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(validateMissing.err()).contains("no-such-folder").doesNotContain("\tat ");
  }
}
