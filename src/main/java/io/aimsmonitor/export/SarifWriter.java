package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Severity;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;

/**
 * SARIF 2.1.0 (OASIS), the format code hosts read to show findings in CI: one run whose tool
 * describes every rule in force (help text, controls, severity), and one result per finding with
 * its rule, level, message naming the subject, the subject as a logical location (and its source
 * page, when it has one), evidence and links in the properties, and, for a waived finding, an
 * accepted external suppression.
 */
final class SarifWriter implements FindingWriter {

  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  static final String INFORMATION_URI = "https://github.com/aims-monitor/aims-monitor";

  private final JsonGenerator json;
  private final Map<String, Integer> ruleIndex = new HashMap<>();

  SarifWriter(OutputStream out, ExportContext context) {
    this.json = ExportJson.MAPPER.createGenerator(out);
    json.writeStartObject();
    json.writeStringProperty("$schema", SCHEMA);
    json.writeStringProperty("version", "2.1.0");
    json.writeArrayPropertyStart("runs");
    json.writeStartObject();
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "aims-monitor");
    driver.put("version", context.toolVersion());
    driver.put("informationUri", INFORMATION_URI);
    List<Map<String, Object>> rules = new ArrayList<>();
    for (RuleDefinition r : context.rules()) {
      ruleIndex.put(r.id(), rules.size());
      rules.add(rule(r));
    }
    driver.put("rules", rules);
    json.writePOJOProperty("tool", Map.of("driver", driver));
    // maps of several entries sorted (a TreeMap), not Map.of's order, which changes between JVMs
    json.writePOJOProperty("invocations", List.of(new TreeMap<>(Map.of("executionSuccessful", true,
        "endTimeUtc", context.generatedAt().toString()))));
    json.writeArrayPropertyStart("results");
  }

  private static Map<String, Object> rule(RuleDefinition r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", r.id());
    out.put("name", r.id());
    out.put("shortDescription", Map.of("text", r.title()));
    if (r.rationale() != null && !r.rationale().isBlank()) {
      out.put("fullDescription", Map.of("text", r.rationale()));
    }
    String help = (r.remediation() == null ? "" : r.remediation() + "\n\n") + "ISO/IEC 42001 controls: "
        + String.join(", ", r.controls()) + ".";
    out.put("help", new TreeMap<>(Map.of("text", help, "markdown", help.replace("ISO/IEC 42001 controls:", "**ISO/IEC 42001 controls:**"))));
    out.put("defaultConfiguration", Map.of("level", level(r.severity())));
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> tags = new ArrayList<>();
    tags.add("iso42001");
    tags.addAll(r.controls());
    props.put("tags", tags);
    props.put("controls", r.controls());
    props.put("pack", r.pack());
    props.put("severity", r.severity().label());
    props.put("security-severity", securitySeverity(r.severity()));
    if (!r.euAiAct().isEmpty()) {
      props.put("euAiAct", r.euAiAct());
    }
    if (!r.nistAiRmf().isEmpty()) {
      props.put("nistAiRmf", r.nistAiRmf());
    }
    out.put("properties", props);
    return out;
  }

  @Override
  public void write(ExportedFinding e) throws IOException {
    Finding f = e.finding();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ruleId", f.ruleId());
    Integer index = ruleIndex.get(f.ruleId());
    if (index != null) {
      result.put("ruleIndex", index);
    }
    result.put("kind", f.isOpen() ? "fail" : "pass");
    result.put("level", f.isOpen() ? level(f.severity()) : "none");
    result.put("message", Map.of("text", f.message()));
    Map<String, Object> location = new LinkedHashMap<>();
    Map<String, Object> logical = new LinkedHashMap<>();
    logical.put("name", f.subject().displayName() == null ? f.subject().key() : f.subject().displayName());
    logical.put("fullyQualifiedName", f.subject().key());
    logical.put("kind", "resource");
    location.put("logicalLocations", List.of(logical));
    if (f.subject().url() != null) {
      location.put("physicalLocation", Map.of("artifactLocation", Map.of("uri", f.subject().url())));
    }
    result.put("locations", List.of(location));
    result.put("partialFingerprints", Map.of("aimsFindingId/v1", f.id()));
    if (e.waiver().active()) {
      Map<String, Object> suppression = new LinkedHashMap<>();
      suppression.put("kind", "external");
      suppression.put("status", "accepted");
      if (e.waiver().justification() != null) {
        suppression.put("justification", e.waiver().justification());
      }
      result.put("suppressions", List.of(suppression));
    }
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("findingId", f.id());
    props.put("status", f.status().name().toLowerCase(Locale.ROOT));
    props.put("stale", f.stale());
    props.put("controls", f.controls());
    props.put("subjectType", f.subject().type());
    props.put("owners", f.owners());
    props.put("firstSeen", ExportJson.text(f.firstSeen()));
    props.put("lastSeen", ExportJson.text(f.lastSeen()));
    props.put("evidence", f.sortedEvidence());
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("sourceUrl", e.links().sourceUrl());
    links.put("snapshot", e.links().snapshot());
    links.put("finding", e.links().findingUrl());
    props.put("evidenceLinks", links);
    props.put("waiver", ExportJson.waiver(e.waiver()));
    result.put("properties", props);
    json.writePOJO(result);
  }

  /** error for high and critical, warning for medium, note for low and info. */
  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  /** The CVSS-like number GitHub code scanning ranks by (critical >= 9, high >= 7, medium >= 4). */
  static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "0.0";
    };
  }

  @Override
  public void close() throws IOException {
    json.writeEndArray(); // results
    json.writeEndObject(); // run
    json.writeEndArray(); // runs
    json.writeEndObject();
    json.writeRaw('\n');
    json.flush();
  }
}
