package io.aimsmonitor.cli;

import io.aimsmonitor.export.ExportFormat;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One collect-and-evaluate cycle without a server, on a throw-away in-memory database, printing
 * the open findings and the status of every source, so a pipeline can tell a clean result from an
 * incomplete one. Made to gate a CI pipeline: see {@link ExitCodes} for the codes and their precedence.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Collect every enabled connector once, evaluate, print open findings and each source's status.",
    footer = {"", "Exit codes, the first that applies wins:",
        "  2  invalid configuration or rule pack (nothing was evaluated)",
        "  3  a source could not be collected: the evidence is incomplete (even if findings reach --fail-on)",
        "  1  a finding at or above --fail-on",
        "  0  otherwise"})
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
      ScanRun.Result result = run.collectAndEvaluate();
      List<Finding> open = print(run, result, format, threshold, out);
      out.flush();
      long waived = run.waivedFindings();
      if (waived > 0) {
        err.println(waived + " finding(s) waived (accepted risks in force), not counted as open");
      }
      result.failures().forEach(f -> err.println("error: " + f));
      List<String> failedPacks = run.failedPacks();
      failedPacks.forEach(f -> err.println("error: " + f));
      if (!failedPacks.isEmpty()) {
        // the findings above lack those packs' verdicts: the result must not pass a CI gate
        return ExitCodes.INVALID;
      }
      long failing = threshold == null ? 0 : atOrAbove(open, threshold);
      if (failing > 0) {
        err.println(failing + " open finding(s) at or above " + threshold.label());
      }
      return exitCode(result.complete(), failing > 0);
    } catch (RuntimeException e) {
      ScanRun.describe(e).lines().filter(l -> !l.isBlank()).forEach(l -> err.println("error: " + l));
      return ExitCodes.INVALID;
    }
  }

  /**
   * The precedence of the exit codes once configuration and packs were valid: an incomplete
   * collection outranks findings, because with a source down the findings themselves are incomplete.
   */
  static int exitCode(boolean complete, boolean findingsAtThreshold) {
    if (!complete) {
      return ExitCodes.SOURCE_FAILED;
    }
    return findingsAtThreshold ? ExitCodes.FINDINGS : ExitCodes.OK;
  }

  private static long atOrAbove(List<Finding> open, Severity threshold) {
    return open.stream().filter(f -> f.severity().atLeast(threshold)).count();
  }

  /**
   * Prints the open findings with the sources' status: in JSON an object {@code {complete, sources,
   * summary, findings}}; in CSV the rows then {@code #} footer lines; in the table a summary under it.
   *
   * @return the open findings printed
   */
  static List<Finding> print(ScanRun run, ScanRun.Result result, FindingFormat.Format format, Severity threshold,
      PrintWriter out) {
    List<Finding> open = run.openFindings(); // waived findings are accepted risks, not open ones
    switch (format) {
      case JSON -> out.println(FactJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
          json(result, open, run.waivedFindings(), threshold)));
      case CSV -> {
        // the rows of the export CSV (with waiver state and evidence links), then the sources' status
        export(run, ExportFormat.CSV, open, out);
        summary(result, open).forEach(line -> out.println("# " + line));
      }
      case SARIF -> export(run, ExportFormat.SARIF, open, out);
      case OCSF -> export(run, ExportFormat.OCSF, open, out);
      case JUNIT -> export(run, ExportFormat.JUNIT, open, out);
      case TABLE -> {
        FindingFormat.write(open, format, out);
        summary(result, open).stream().skip(1).forEach(out::println); // the table already counted the findings
      }
    }
    return open;
  }

  /** The open findings through the export writers, the same as the API's exports. */
  private static void export(ScanRun run, ExportFormat format, List<Finding> open, PrintWriter out) {
    // the open findings are in memory already; their export is printed through the command's writer
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try {
      run.bean(Exporter.class).write(format, open::forEach, run.bean(RuleBook.class).rules().values(), buffer);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the " + format.label() + " output: " + e.getMessage(), e);
    }
    out.print(buffer.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> json(ScanRun.Result result, List<Finding> open, long waived, Severity threshold) {
    Map<String, Object> bySeverity = new LinkedHashMap<>();
    for (Severity s : Severity.values()) {
      bySeverity.put(s.label(), open.stream().filter(f -> f.severity() == s).count());
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("open", open.size());
    summary.put("bySeverity", bySeverity);
    summary.put("stale", open.stream().filter(Finding::stale).count());
    summary.put("waived", waived);
    if (threshold != null) {
      summary.put("failOn", threshold.label());
      summary.put("atOrAboveFailOn", atOrAbove(open, threshold));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("complete", result.complete());
    root.put("sources", result.sources());
    root.put("summary", summary);
    root.put("findings", open);
    return root;
  }

  /** The summary lines: findings, then sources, then (when one failed) what that means. */
  static List<String> summary(ScanRun.Result result, List<Finding> open) {
    List<String> lines = new ArrayList<>();
    long stale = open.stream().filter(Finding::stale).count();
    lines.add(open.size() + " open finding(s)" + (stale == 0 ? "" : ", " + stale + " on stale evidence") + ".");
    long collected = result.sources().stream().filter(s -> s.status().equals(ScanRun.Source.COLLECTED)).count();
    StringWriter sources = new StringWriter();
    sources.append("sources: ").append(String.valueOf(collected)).append(" of ")
        .append(String.valueOf(result.sources().size())).append(" collected");
    String sep = ": ";
    for (ScanRun.Source s : result.sources()) {
      sources.append(sep);
      sep = ", ";
      if (s.error() == null) {
        sources.append(s.id()).append(" (").append(String.valueOf(s.facts())).append(" facts)");
      } else {
        sources.append(s.id()).append(" ").append(s.status().toUpperCase(java.util.Locale.ROOT));
      }
    }
    lines.add(sources.toString());
    if (!result.complete()) {
      lines.add("evidence is INCOMPLETE: findings that depend on a failed source may be missing or stale (see its error)");
    }
    return lines;
  }
}
