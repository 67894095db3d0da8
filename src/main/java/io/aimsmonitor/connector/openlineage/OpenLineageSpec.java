package io.aimsmonitor.connector.openlineage;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The OpenLineage spec (2-0-2, the JSON schema OpenLineage publishes, bundled as
 * {@code openlineage/OpenLineage.json}) checking one event with networknt's JSON schema validator.
 * An event is a {@code RunEvent} when it has a {@code run}, a {@code DatasetEvent} when it has a
 * {@code dataset}, else a {@code JobEvent}; it is checked against that definition only, so a
 * problem is named precisely rather than as "none of three alternatives matched". The schema's
 * {@code format}s are annotations in 2020-12; the two that facts depend on, {@code eventTime}
 * (date-time) and {@code run.runId} (uuid), are asserted here as well. The schema refers to
 * nothing outside itself, so validating never fetches anything.
 */
public final class OpenLineageSpec {

  static final String SPEC_ID = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
  private static final String RESOURCE = "openlineage/OpenLineage.json";
  private static final int MAX_PROBLEMS = 5;

  private final Schema runEvent;
  private final Schema datasetEvent;
  private final Schema jobEvent;

  public OpenLineageSpec() {
    String spec;
    try (InputStream in = OpenLineageSpec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      spec = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // 2020-12, plus the spec's documentation keyword "example", which validates nothing
    Dialect dialect = Dialect.builder(Dialects.getDraft202012()).keyword(new NonValidationKeyword("example")).build();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(dialect, builder -> builder.schemas(Map.of(SPEC_ID, spec)));
    this.runEvent = registry.getSchema(SchemaLocation.of(SPEC_ID + "#/$defs/RunEvent"));
    this.datasetEvent = registry.getSchema(SchemaLocation.of(SPEC_ID + "#/$defs/DatasetEvent"));
    this.jobEvent = registry.getSchema(SchemaLocation.of(SPEC_ID + "#/$defs/JobEvent"));
  }

  /** What kind of event {@code event} claims to be, by its shape. */
  public static String kindOf(JsonNode event) {
    return event.has("run") ? "RunEvent" : event.has("dataset") ? "DatasetEvent" : "JobEvent";
  }

  /**
   * The ways {@code event} breaks the spec (at most five, each with its JSON path); empty when it
   * is a valid OpenLineage event.
   */
  public List<String> problems(JsonNode event) {
    List<String> out = new ArrayList<>();
    if (event == null || !event.isObject()) {
      out.add("$: an OpenLineage event is a JSON object");
      return out;
    }
    if (!event.has("run") && !event.has("dataset") && !event.has("job")) {
      out.add("$: not an OpenLineage event: it has none of run (RunEvent), dataset (DatasetEvent) or job (JobEvent)");
      return out;
    }
    Schema schema = switch (kindOf(event)) {
      case "RunEvent" -> runEvent;
      case "DatasetEvent" -> datasetEvent;
      default -> jobEvent;
    };
    for (Error e : schema.validate(event)) {
      if (out.size() < MAX_PROBLEMS) {
        out.add(e.toString());
      }
    }
    JsonNode time = event.get("eventTime");
    if (time != null && time.isString()) {
      try {
        OffsetDateTime.parse(time.stringValue());
      } catch (DateTimeParseException e) {
        out.add("$.eventTime: '" + abbreviate(time.stringValue()) + "' is not an RFC 3339 date-time with offset");
      }
    }
    JsonNode runId = event.path("run").get("runId");
    if (runId != null && runId.isString()) {
      try {
        UUID.fromString(runId.stringValue());
        if (runId.stringValue().length() != 36) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        out.add("$.run.runId: '" + abbreviate(runId.stringValue()) + "' is not a UUID");
      }
    }
    return out.size() > MAX_PROBLEMS ? out.subList(0, MAX_PROBLEMS) : out;
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
