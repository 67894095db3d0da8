package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.testing.HostilePacks;
import io.aimsmonitor.testing.Workbench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A looping pack, an endless consequence and a fact-flooding pack, side by side with a good pack:
 * {@code scan}, {@code validate} and {@code test-rules} each stop them by their guards, name the
 * rule, report a clear exit code, and still report the good pack. (The timeouts only keep a
 * regression from hanging the build; the assertions are on the guards' messages.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileRulePacksCliTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  @BeforeEach
  void setup() throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors"));
    Files.createDirectories(dir.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(dir.resolve("inventory/models.yaml"), Workbench.model("churn", "4", "[]"));
    Path good = Files.createDirectories(dir.resolve("rules/good"));
    Files.writeString(good.resolve("pack.yaml"), "name: good\n");
    Files.writeString(good.resolve("rules.drl"), Workbench.OWNER_RULE);
    for (HostilePacks hostile : HostilePacks.values()) {
      hostile.write(dir.resolve("rules"));
    }
  }

  @Test
  void scanStopsEveryHostilePackAndExitsInvalidWithTheGoodPacksFindings() {
    Run r = run("scan", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.out()).contains("test.production-has-owner").contains("Model churn v4 has no owner.");
    for (HostilePacks hostile : HostilePacks.values()) {
      assertThat(r.err()).contains("rule pack '" + hostile.pack() + "' stopped").contains("'" + hostile.rule + "'");
    }
  }

  @Test
  void validateRunsEachPackOverItsCasesUnderTheGuards() {
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.out()).contains("rule pack good: 1 rules");
    for (HostilePacks hostile : HostilePacks.values()) {
      assertThat(r.err()).contains("rule pack '" + hostile.pack() + "' cannot be evaluated")
          .contains("case.yaml: case 'one production model'").contains("'" + hostile.rule + "'");
    }
    assertThat(r.err()).contains("limits.maxFirings").contains("limits.maxInsertedFacts").contains("limits.timeout");
  }

  @Test
  void testRulesReportsAGuardTripAsAnErroredCase() {
    Run r = run("test-rules", dir.resolve("rules").toString());
    assertThat(r.exit()).as(r.out()).isEqualTo(ExitCodes.FINDINGS);
    for (HostilePacks hostile : HostilePacks.values()) {
      assertThat(r.out()).contains(hostile.pack() + ": 1 case(s), 0 passed, 1 failed")
          .contains("ERROR   one production model").contains("'" + hostile.rule + "'");
    }
  }
}
