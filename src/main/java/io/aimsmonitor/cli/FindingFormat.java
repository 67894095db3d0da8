package io.aimsmonitor.cli;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.finding.Finding;
import java.io.PrintWriter;
import java.util.List;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/** Prints findings as a table for people, JSON for tools, or CSV for spreadsheets and auditors. */
public final class FindingFormat {

  /**
   * Table and JSON are printed here; CSV, SARIF, OCSF and JUnit by the {@code export} writers,
   * the same as the API's exports (see {@link #export()}).
   */
  public enum Format { TABLE, JSON, CSV, SARIF, OCSF, JUNIT;

    /** The export format that prints this one, if an export writer does. */
    public java.util.Optional<io.aimsmonitor.export.ExportFormat> export() {
      return switch (this) {
        case CSV -> java.util.Optional.of(io.aimsmonitor.export.ExportFormat.CSV);
        case SARIF -> java.util.Optional.of(io.aimsmonitor.export.ExportFormat.SARIF);
        case OCSF -> java.util.Optional.of(io.aimsmonitor.export.ExportFormat.OCSF);
        case JUNIT -> java.util.Optional.of(io.aimsmonitor.export.ExportFormat.JUNIT);
        case TABLE, JSON -> java.util.Optional.empty();
      };
    }
  }

  /** One CSV row: the flat view auditors open in a spreadsheet. */
  record Row(String id, String severity, String controls, String rule, String subjectType, String subject,
      String message, String status, boolean stale, String firstSeen, String lastSeen, String link) {}

  private FindingFormat() {}

  public static void write(List<Finding> findings, Format format, PrintWriter out) {
    switch (format) {
      case JSON -> out.println(FactJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(findings));
      case CSV -> {
        CsvMapper csv = CsvMapper.builder().build();
        CsvSchema schema = csv.schemaFor(Row.class).withHeader();
        out.print(csv.writer(schema).writeValueAsString(findings.stream().map(FindingFormat::row).toList()));
      }
      case TABLE -> table(findings, out);
      default -> throw new IllegalArgumentException(format + " is written by the export writers");
    }
  }

  private static Row row(Finding f) {
    return new Row(f.id(), f.severity().label(), String.join(" ", f.controls()), f.ruleId(), f.subject().type(),
        f.subject().displayName(), f.message(), f.status().name().toLowerCase(java.util.Locale.ROOT), f.stale(),
        String.valueOf(f.firstSeen()), String.valueOf(f.lastSeen()), f.subject().url());
  }

  private static void table(List<Finding> findings, PrintWriter out) {
    if (findings.isEmpty()) {
      out.println("No open findings.");
      return;
    }
    String fmt = "%-9s %-18s %-44s %s%n";
    out.printf(fmt, "SEVERITY", "CONTROLS", "RULE", "FINDING");
    for (Finding f : findings) {
      out.printf(fmt, f.severity().label() + (f.stale() ? "*" : ""), String.join(",", f.controls()),
          f.ruleId(), f.message());
    }
    long stale = findings.stream().filter(Finding::stale).count();
    out.printf("%n%d open finding(s)%s.%n", findings.size(),
        stale == 0 ? "" : ", " + stale + " on stale evidence (marked *)");
  }
}
