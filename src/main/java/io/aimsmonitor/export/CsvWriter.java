package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/** One row per finding, the flat view auditors open in a spreadsheet, with waiver state and evidence links. */
final class CsvWriter implements FindingWriter {

  /** The columns, in order. */
  record Row(String id, String severity, String status, boolean stale, String waiver, String waiverExpiresAt, String waiverId,
      String controls, String rule, String pack, String subjectType, String subject, String subjectKey, String owners,
      String message, String firstSeen, String lastSeen, String resolvedAt, String source, Long snapshot,
      String sourceUrl, String findingUrl) {}

  private static final CsvMapper CSV = CsvMapper.builder().build();

  private final JsonGenerator csv;

  CsvWriter(OutputStream out) {
    CsvSchema schema = CSV.schemaFor(Row.class).withHeader();
    this.csv = CSV.writer(schema).createGenerator(out);
  }

  @Override
  public void write(ExportedFinding e) throws IOException {
    Finding f = e.finding();
    csv.writePOJO(new Row(f.id(), f.severity().label(), f.status().name().toLowerCase(Locale.ROOT), f.stale(),
        e.waiver().status(), ExportJson.text(e.waiver().expiresAt()), e.waiver().id(), String.join(" ", f.controls()), f.ruleId(),
        f.pack(), f.subject().type(), f.subject().displayName(), f.subject().key(), String.join(" ", f.owners()),
        f.message(), ExportJson.text(f.firstSeen()), ExportJson.text(f.lastSeen()), ExportJson.text(f.resolvedAt()),
        f.source(), e.links().snapshot(), e.links().sourceUrl(), e.links().findingUrl()));
  }

  @Override
  public void close() throws IOException {
    csv.flush();
  }
}
