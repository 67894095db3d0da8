package io.aimsmonitor.cli;

import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleBook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One collect-and-evaluate cycle without a server, on a throw-away in-memory database, printing
 * the open findings. Made to gate a CI pipeline: see {@link ExitCodes}.
 */
@Command(name = "scan", description = "Collect every enabled connector once, evaluate, print open findings.")
public class ScanCommand implements Callable<Integer> {

  @Mixin
  ScanOptions options;

  @Option(names = "--format", defaultValue = "table",
      description = "table, json, csv, sarif (SARIF 2.1.0), ocsf (OCSF Compliance Finding JSON lines) or junit (JUnit XML)"
          + " (default: ${DEFAULT-VALUE})")
  FindingFormat.Format format;

  @Option(names = "--fail-on", description = "exit 1 if a finding has this severity or higher: info, low, medium, high, critical")
  String failOn;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Severity threshold = null;
    if (failOn != null) {
      try {
        threshold = Severity.parse(failOn);
      } catch (IllegalArgumentException e) {
        err.println("error: --fail-on: " + e.getMessage());
        return ExitCodes.INVALID;
      }
    }
    try (ScanRun run = ScanRun.start(options)) {
      List<String> rejected = run.rejectedPacks();
      if (!rejected.isEmpty()) {
        rejected.forEach(line -> err.println(line.startsWith("  ") ? line : "error: " + line));
        return ExitCodes.INVALID;
      }
      List<String> failures = run.collectAndEvaluate();
      List<Finding> open = run.bean(FindingRepository.class)
          .list(new FindingRepository.Query(Finding.Status.OPEN, null, null, null, null, null, 1_000_000, 0)).items();
      if (format.export().isPresent()) {
        // the open findings are in memory already; the export of them is printed through the command's writer
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        run.bean(Exporter.class).write(format.export().get(), open::forEach, run.bean(RuleBook.class).rules().values(),
            buffer);
        out.print(buffer.toString(StandardCharsets.UTF_8));
      } else {
        FindingFormat.write(open, format, out);
      }
      out.flush();
      failures.forEach(f -> err.println("error: " + f));
      if (threshold != null) {
        Severity min = threshold;
        long failing = open.stream().filter(f -> f.severity().atLeast(min)).count();
        if (failing > 0) {
          err.println(failing + " open finding(s) at or above " + min.label());
          return ExitCodes.FINDINGS;
        }
      }
      return failures.isEmpty() ? ExitCodes.OK : ExitCodes.SOURCE_FAILED;
    } catch (IOException e) {
      err.println("error: could not write the " + format.name().toLowerCase(java.util.Locale.ROOT) + " output: "
          + e.getMessage());
      return ExitCodes.INVALID;
    } catch (RuntimeException e) {
      err.println("error: " + ScanRun.describe(e));
      return ExitCodes.INVALID;
    }
  }
}
