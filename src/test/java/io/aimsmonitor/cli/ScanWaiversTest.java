package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.review.WorkflowScenario;
import io.aimsmonitor.testing.Workbench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code scan} path of waivers: a waivers file kept in git, read by {@code scan --waivers}. A
 * waiver in force keeps its findings out of the open findings and out of {@code --fail-on}; once
 * the clock is past its expiry, the next scan reports them again. Bad files are refused naming
 * the entry and the field.
 */
class ScanWaiversTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors"));
    Files.createDirectories(dir.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(dir.resolve("inventory/models.yaml"), Workbench.model("fraud", "7", "[risk-team]")
        + Workbench.model("fraud", "8", "[risk-team]"));
    Path pack = Files.createDirectories(dir.resolve("rules/test-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
    Files.writeString(pack.resolve("rules.drl"), WorkflowScenario.PACK);
  }

  private Run scan(Path waivers) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("scan", "--connectors", dir.resolve("connectors").toString(), "--rules",
        dir.resolve("rules").toString(), "--waivers", waivers.toString(), "--format", "csv", "--fail-on", "medium");
    return new Run(exit, out.toString(), err.toString());
  }

  private Path waivers(Instant requestedAt, Instant expiresAt, String approvedBy) throws Exception {
    Path file = dir.resolve("waivers.yaml");
    Files.writeString(file, """
        waivers:
          - id: fraud-approval
            rule: test.production-approved
            subject: "inventory:fraud/*"
            justification: Fraud models are approved by the risk committee outside the registry.
            requestedBy: alice
            requestedAt: %s
        %s    expiresAt: %s
        """.formatted(requestedAt, approvedBy == null ? "" : "    approvedBy: " + approvedBy + "\n", expiresAt));
    return file;
  }

  @Test
  void aWaiverInForceKeepsItsFindingsOutOfTheOpenOnesAndTheGate() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Run r = scan(waivers(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), "bob"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("test.production-approved");
    assertThat(r.err()).contains("2 finding(s) waived");
  }

  @Test
  void pastItsExpiryTheNextScanReportsTheFindingsAgain() throws Exception {
    // The scan's clock is past this waiver's expiry: requested and expired earlier this year.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Run r = scan(waivers(now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(1)), "bob"));
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out()).contains("test.production-approved").contains("fraud v7").contains("fraud v8");
    assertThat(r.err()).doesNotContain("waived");
  }

  @Test
  void aWaiverBeyondTheMaximumDurationIsRefusedNamingTheEntry() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Run r = scan(waivers(now, now.plus(Duration.ofDays(400)), "bob"));
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("waivers.yaml").contains("waivers[0] (fraud-approval)")
        .contains("later than the maximum of 180 days");
  }
}
