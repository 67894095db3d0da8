package io.aimsmonitor.cli;

import io.aimsmonitor.evidence.EvidencePack;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the auditor's evidence pack of a period (docs/evidence.md) from the service's store. */
@Command(name = "evidence-pack", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Write the evidence pack (zip: HTML and PDF report, raw evidence, OSCAL, signed manifest) of a period.",
    footer = {"", "Reads the service's database as configured; Spring options such as"
        + " --spring.datasource.url=... are passed on."})
public class EvidencePackCommand extends StoreCommand {

  @Option(names = "--from", description = "start of the audit period (ISO-8601 instant; default 90 days before --to)")
  Instant from;

  @Option(names = "--to", description = "end of the period, exclusive (default now)")
  Instant to;

  @Option(names = {"-o", "--output"}, required = true, description = "the zip file to write")
  Path output;

  @Override
  public Integer call() {
    PrintWriter err = err();
    Instant end = to == null ? Instant.now() : to;
    Instant start = from == null ? end.minus(Duration.ofDays(90)) : from;
    if (!start.isBefore(end)) {
      err.println("error: --from (" + start + ") must be before --to (" + end + ")");
      return ExitCodes.INVALID;
    }
    try (StoreRun run = StoreRun.start(springArgs); OutputStream out = Files.newOutputStream(output)) {
      run.bean(EvidencePack.class).write(start, end, out);
    } catch (IOException e) {
      err.println("error: cannot write " + output + ": " + e.getMessage());
      return ExitCodes.INVALID;
    } catch (RuntimeException e) {
      return error(ScanRun.describe(e));
    }
    spec.commandLine().getOut().println("wrote " + output + " (" + start + " to " + end + ")");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
