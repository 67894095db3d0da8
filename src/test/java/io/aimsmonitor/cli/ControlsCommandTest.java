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
    assertEquals("id,part,title,automation,decidedBy,rules,status,openFindings,staleFindings,exclusion,euAiAct,nistAiRmf",
        lines.get(0));
    assertEquals(71, lines.size(), "header and 70 controls");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("A.10.3,annex-a,\"Supplier management\",automated,full,"
        + "\"third-party.license-allowed third-party.license-recorded third-party.revision-pinned"
        + " third-party.supplier-recorded\",not_evaluated,0,0,,")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith(
        "A.9.2,annex-a,\"Processes for responsible use\",attestation-only,none,,attestation_required,0,0,,")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("A.2.2,") && l.endsWith(
        ",\"Art. 17; Art. 26\",\"GOVERN 1.1; GOVERN 2.1; GOVERN 2.2\"")), "the crosswalk: " + run.out());
  }

  @Test
  void tableOfAnnexAOnly() {
    Run run = run("--rules", "rules", "--part", "annex-a");
    assertEquals(ExitCodes.OK, run.exit(), run.err());
    assertTrue(run.out().matches("(?s).*38 controls: \\d+ attestation_required, \\d+ not_evaluated"
        + "( \\(run with --scan for status\\)|, .*).*"), run.out());
    assertTrue(run.out().contains("  EU AI Act: Art. 17, Art. 26"), run.out());
    assertTrue(!run.out().contains("\n8.1 "), run.out());
  }

  @Test
  void aBadPartIsRejected() {
    Run run = run("--rules", "rules", "--part", "annex-b");
    assertEquals(ExitCodes.INVALID, run.exit());
    assertTrue(run.err().contains("--part: part must be annex-a, clause or all"), run.err());
  }
}
