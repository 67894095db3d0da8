package io.aimsmonitor.cli;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.integrity.HashChains;
import io.aimsmonitor.integrity.HashChains.Break;
import io.aimsmonitor.integrity.HashChains.ChainStatus;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks the hash chains of the service's store (finding events, waiver changes, audit log) and
 * names the first broken link of each. Exit 0 when intact, 1 when a link is broken, 2 when the
 * store cannot be opened.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Check the tamper-evident hash chains of the store and name the first broken link.",
    footer = {"", "Reads the service's database as configured; Spring options such as"
        + " --spring.datasource.url=... are passed on.",
        "Exit codes: 0 intact, 1 a broken link, 2 the store cannot be opened."})
public class VerifyCommand extends StoreCommand {

  @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = out();
    HashChains.Report report;
    try (StoreRun run = StoreRun.start(springArgs)) {
      report = run.bean(HashChains.class).verify();
    } catch (RuntimeException e) {
      return error("cannot open the store: " + ScanRun.describe(e));
    }
    if ("json".equalsIgnoreCase(format)) {
      out.println(FactJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      for (ChainStatus c : report.chains()) {
        Break b = c.firstBreak();
        out.printf("%-14s %8d entries  %s%n", c.table(), c.entries(), b == null ? "intact" : "BROKEN");
        if (b != null) {
          out.println("  first broken link: " + b.table() + (b.id() == null ? "" : " id " + b.id())
              + (b.seq() == null ? "" : " (entry #" + b.seq() + ")") + ": " + b.problem());
        }
      }
      out.println(report.intact() ? "all chains intact" : "tampering detected");
    }
    out.flush();
    return report.intact() ? ExitCodes.OK : ExitCodes.FINDINGS;
  }
}
