package io.aimsmonitor.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;

/** The export formats, their media types and file extensions. */
public enum ExportFormat {
  CSV("text/csv", "csv"),
  JSON("application/json", "json"),
  SARIF("application/sarif+json", "sarif"),
  OCSF("application/x-ndjson", "ocsf.jsonl"),
  JUNIT("application/xml", "junit.xml");

  private final String mediaType;
  private final String extension;

  ExportFormat(String mediaType, String extension) {
    this.mediaType = mediaType;
    this.extension = extension;
  }

  public String mediaType() {
    return mediaType;
  }

  public String extension() {
    return extension;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ExportFormat parse(String text) {
    for (ExportFormat f : values()) {
      if (f.label().equalsIgnoreCase(text.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(ExportFormat::label).toList()
        + ", got '" + text + "'");
  }

  /** The format whose media type this is (an {@code Accept} value), if any. */
  public static java.util.Optional<ExportFormat> forMediaType(String mediaType) {
    String m = mediaType.toLowerCase(Locale.ROOT).split(";")[0].trim();
    return Arrays.stream(values()).filter(f -> f.mediaType.equals(m)).findFirst();
  }

  public FindingWriter open(OutputStream out, ExportContext context) throws IOException {
    return switch (this) {
      case CSV -> new CsvWriter(out);
      case JSON -> new JsonWriter(out);
      case SARIF -> new SarifWriter(out, context);
      case OCSF -> new OcsfWriter(out, context);
      case JUNIT -> new JUnitWriter(out, context);
    };
  }
}
