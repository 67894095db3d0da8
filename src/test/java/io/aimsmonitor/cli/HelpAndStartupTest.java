package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Help works the way people type it; {@code serve} on a data folder another process holds says so in one line. */
class HelpAndStartupTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @CsvSource({"scan,--help", "scan,-h", "validate,-h", "validate,--help", "test-rules,--help", "controls,-h",
      "serve,--help", "verify,--help", "oscal,-h", "evidence-pack,--help"})
  void everyCommandPrintsItsOwnUsageAndExitsZero(String command, String flag) {
    Run r = run(command, flag);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: aims-monitor " + command);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void helpCommandAndTopLevelHelpWorkToo() {
    assertThat(run("help", "scan").out()).startsWith("Usage: aims-monitor scan");
    Run top = run("--help");
    assertThat(top.exit()).isZero();
    assertThat(top.out()).contains("scan").contains("validate").contains("test-rules").contains("controls")
        .contains("verify").contains("replay").contains("oscal").contains("evidence-pack");
  }

  @Test
  void scanUsageDocumentsTheExitCodePrecedence() {
    assertThat(run("scan", "--help").out()).contains("Exit codes, the first that applies wins")
        .contains("3  a source could not be collected");
  }

  /** Holds the embedded database of the folder in args[0] open until its standard input closes. */
  public static final class HoldDatabase {
    public static void main(String[] args) throws Exception {
      try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + args[0] + "/aims")) {
        c.createStatement().execute("CREATE TABLE IF NOT EXISTS held (id INT)");
        System.out.println("holding");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void serveOnADataFolderAnotherProcessHoldsSaysSoInOneLine() throws Exception {
    Path data = dir.resolve("data");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), HoldDatabase.class.getName(), data.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader ready = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(ready.readLine()).isEqualTo("holding");

      Run r = run("serve", "--aims.data-dir=" + data, "--server.port=0", "--aims.scheduler.enabled=false");

      assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
      List<String> lines = r.err().lines().toList();
      assertThat(lines).singleElement().asString()
          .startsWith("error: the embedded database in " + data.toAbsolutePath())
          .contains("in use by another process").contains("--aims.data-dir=DIR");
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(30, TimeUnit.SECONDS)) {
        holder.destroy();
      }
    }
  }
}
