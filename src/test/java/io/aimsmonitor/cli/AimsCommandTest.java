package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code scan}'s command line holds only {@code scan}, and says everything exactly as the full one does. */
class AimsCommandTest {

  record Run(int exit, String out, String err) {}

  private static Run run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static CommandLine full() {
    return new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Test
  void scanGetsTheTopLevelCommandWithScanAloneAndTheRestGetEveryCommand() {
    assertThat(AimsCommand.commandLine("scan").getSubcommands()).containsOnlyKeys("scan");
    assertThat(AimsCommand.commandLine("validate").getSubcommands()).containsOnlyKeys(full().getSubcommands().keySet());
    assertThat(AimsCommand.commandLine("help").getSubcommands()).containsKey("help").containsKey("scan");
    assertThat(AimsCommand.commandLine("--help").getSubcommands()).containsKey("validate");
  }

  /** None of these reaches Spring: picocli's usage, version and parse errors, and the check of --fail-on. */
  @ParameterizedTest
  @ValueSource(strings = {"scan --help", "scan -h", "scan --version", "scan -V", "scan --bogus", "scan extra",
      "scan --format nope", "scan --format", "scan --fail-on", "scan --fail-on severe", "scan --format JSON --fail-on severe",
      "scan --connectors", "scan help"})
  void scanPrintsAndExitsAsWithEveryCommand(String line) {
    String[] args = line.split(" ");

    Run lean = run(AimsCommand.commandLine("scan"), args);
    Run everything = run(full(), args);

    assertThat(lean).isEqualTo(everything);
    assertThat(lean.out() + lean.err()).isNotBlank();
  }
}
