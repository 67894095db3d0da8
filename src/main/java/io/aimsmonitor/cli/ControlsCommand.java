package io.aimsmonitor.cli;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.ControlReport.Row;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.CompiledPackCache;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * The Statement of Applicability on the command line. By default it reports coverage only (which
 * rules decide each control; status {@code not_evaluated}), reading nothing but the rule packs.
 * With {@code --scan} it first runs a collect-and-evaluate cycle like {@code scan} and adds each
 * control's status and open findings.
 */
@Command(name = "controls", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class, description = "Show every ISO 42001 control with its automation, rules and (with --scan) status.")
public class ControlsCommand implements Callable<Integer> {

  /** Output formats. */
  public enum Format { TABLE, JSON, CSV }

  /** One CSV row: the report flattened for spreadsheets. */
  record CsvRow(String id, String part, String title, String automation, String decidedBy, String rules, String status,
      long openFindings, long staleFindings, String exclusion, String euAiAct, String nistAiRmf) {}

  @Mixin
  ScanOptions options;

  @Option(names = "--scan",
      description = "collect (from --connectors) and evaluate first, like scan, to show status and open findings")
  boolean scan;

  @Option(names = "--part", defaultValue = "all", description = "annex-a, clause or all (default: ${DEFAULT-VALUE})")
  String part;

  @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE})")
  Format format;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Row> rows;
    try {
      rows = scan ? scanned(err) : coverage(err);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return ExitCodes.INVALID;
    }
    if (rows == null) {
      return ExitCodes.INVALID;
    }
    try {
      rows = ControlReport.filter(rows, part, null);
    } catch (IllegalArgumentException e) {
      err.println("error: --part: " + e.getMessage());
      return ExitCodes.INVALID;
    }
    write(rows, out);
    out.flush();
    return ExitCodes.OK;
  }

  private List<Row> coverage(PrintWriter err) {
    CliLogging.configure(options.verbose);
    try (Inputs inputs = new Inputs()) {
      return coverage(inputs.rules(options.rules), err);
    }
  }

  private List<Row> coverage(Path dir, PrintWriter err) {
    ControlCatalog catalog = ControlCatalog.bundled();
    RuleBook book = new RuleBook(dir, new RulePackLoader(catalog).withCache(CompiledPackCache.fromEnvironment()), Map.of(), Clock.systemUTC());
    RuleBook.ReloadReport report = book.reload();
    if (!report.rejected().isEmpty()) {
      report.rejected().forEach(r -> {
        err.println("error: rule pack '" + r.pack() + "' is invalid:");
        r.problems().forEach(p -> err.println("  " + p));
      });
      return null;
    }
    return ControlReport.coverage(catalog, book.rules().values(), ControlReport.Exclusions.NONE);
  }

  private List<Row> scanned(PrintWriter err) {
    try (ScanRun run = ScanRun.start(options)) {
      List<String> rejected = run.rejectedPacks();
      if (!rejected.isEmpty()) {
        rejected.forEach(line -> err.println(line.startsWith("  ") ? line : "error: " + line));
        return null;
      }
      run.collectAndEvaluate().failures().forEach(f -> err.println("warning: " + f));
      return ControlReport.assess(run.bean(ControlCatalog.class), run.bean(RuleBook.class).rules().values(),
          run.bean(FindingRepository.class).openCountsByControl(), run.bean(MonitorService.class).staleRules(),
          run.bean(ReviewService.class));
    } catch (RuntimeException e) {
      throw new IllegalStateException(ScanRun.describe(e), e);
    }
  }

  private void write(List<Row> rows, PrintWriter out) {
    switch (format) {
      case JSON -> out.println(FactJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
      case CSV -> {
        CsvMapper csv = CsvMapper.builder().build();
        CsvSchema schema = csv.schemaFor(CsvRow.class).withHeader();
        out.print(csv.writer(schema).writeValueAsString(rows.stream().map(r -> new CsvRow(r.id(), r.part(), r.title(),
            r.automation(), r.decidedBy(), String.join(" ", r.rules()), r.status(), r.openFindings(), r.staleFindings(),
            r.exclusion(), String.join("; ", r.euAiAct()), String.join("; ", r.nistAiRmf()))).toList()));
      }
      case TABLE -> {
        String fmt = "%-8s %-17s %-8s %-20s %5s  %s%n";
        out.printf(fmt, "CONTROL", "AUTOMATION", "DECIDED", "STATUS", "OPEN", "TITLE / RULES / CROSSWALK");
        for (Row r : rows) {
          out.printf(fmt, r.id(), r.automation(), r.decidedBy(), r.status(), r.openFindings(), r.title());
          r.rules().forEach(rule -> out.printf(fmt, "", "", "", "", "", "  " + rule));
          if (!r.euAiAct().isEmpty()) {
            out.printf(fmt, "", "", "", "", "", "  EU AI Act: " + String.join(", ", r.euAiAct()));
          }
          if (!r.nistAiRmf().isEmpty()) {
            out.printf(fmt, "", "", "", "", "", "  NIST AI RMF: " + String.join(", ", r.nistAiRmf()));
          }
        }
        Map<String, Long> counts = new java.util.TreeMap<>();
        rows.forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        out.println();
        out.println(rows.size() + " controls: " + String.join(", ", counts.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey()).toList()) + (scan ? "" : " (run with --scan for status)"));
      }
    }
  }
}
