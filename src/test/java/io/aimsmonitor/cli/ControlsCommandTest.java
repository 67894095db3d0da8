package io.aimsmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aims-monitor controls} without a scan: rule coverage of every control. */
class ControlsCommandTest {

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new ControlsCommand()).setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void csvListsEveryControlWithAutomationAndRules() {
    Run run = run("--rules", "rules", "--format", "csv");
    assertEquals(ExitCodes.OK, run.exit(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals("id,part,title,automation,decidedBy,rules,status,openFindings,staleFindings,exclusion", lines.get(0));
    assertEquals(71, lines.size(), "header and 70 controls");
    assertTrue(lines.contains("A.10.3,annex-a,\"Supplier management\",\"partly automated\",full,"
        + "\"third-party.license-allowed third-party.license-recorded third-party.revision-pinned"
        + " third-party.supplier-recorded\",not_evaluated,0,0,"), run.out());
    assertTrue(lines.contains("A.9.2,annex-a,\"Processes for responsible use\",attestation-only,none,,not_covered,0,0,"),
        run.out());
  }

  @Test
  void tableOfAnnexAOnly() {
    Run run = run("--rules", "rules", "--part", "annex-a");
    assertEquals(ExitCodes.OK, run.exit(), run.err());
    assertTrue(run.out().contains("38 controls: 11 not_covered, 27 not_evaluated (run with --scan for status)"), run.out());
    assertTrue(!run.out().contains("\n8.1 "), run.out());
  }

  @Test
  void aBadPartIsRejected() {
    Run run = run("--rules", "rules", "--part", "annex-b");
    assertEquals(ExitCodes.INVALID, run.exit());
    assertTrue(run.err().contains("--part: part must be annex-a, clause or all"), run.err());
  }
}
