package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.Severity;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OCSF Compliance Finding events (class 2003, category Findings) as JSON lines, one per finding,
 * for security data lakes (Amazon Security Lake, Splunk, ...). Mapping:
 * <ul>
 *   <li>activity: Create (1) for a finding never seen again, Update (2) once seen again, Close (3) when resolved;</li>
 *   <li>finding status: New (1) when open, Suppressed (3) when waived, Resolved (4);</li>
 *   <li>compliance status: Fail (3) when open, Warning (2) when open on stale evidence (the check
 *       could not be completed), Pass (1) when resolved;</li>
 *   <li>severity: info 1, low 2, medium 3, high 4, critical 5;</li>
 *   <li>the subject is the resource (owners as labels), evidence and its links are the evidences'
 *       data, the API link is {@code finding_info.src_url}.</li>
 * </ul>
 * Only attributes of the Compliance Finding class and objects OCSF defines are used; the test
 * checks each event against the class definition.
 */
final class OcsfWriter implements FindingWriter {

  /** The OCSF schema version these events follow. */
  static final String OCSF_VERSION = "1.9.0-dev";
  static final int CATEGORY_UID = 2;
  static final int CLASS_UID = 2003;
  static final String STANDARD = "ISO/IEC 42001:2023";

  private final OutputStream out;
  private final ExportContext context;

  OcsfWriter(OutputStream out, ExportContext context) {
    this.out = out;
    this.context = context;
  }

  @Override
  public void write(ExportedFinding e) throws IOException {
    out.write(ExportJson.MAPPER.writeValueAsString(event(e, context)).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  static Map<String, Object> event(ExportedFinding e, ExportContext context) {
    Finding f = e.finding();
    int activity = !f.isOpen() ? 3 : f.firstSeen().equals(f.lastSeen()) ? 1 : 2;
    String activityName = switch (activity) {
      case 1 -> "Create";
      case 2 -> "Update";
      default -> "Close";
    };
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("activity_id", activity);
    ev.put("activity_name", activityName);
    ev.put("category_uid", CATEGORY_UID);
    ev.put("category_name", "Findings");
    ev.put("class_uid", CLASS_UID);
    ev.put("class_name", "Compliance Finding");
    ev.put("type_uid", (long) CLASS_UID * 100 + activity);
    ev.put("type_name", "Compliance Finding: " + activityName);
    ev.put("severity_id", severityId(f.severity()));
    ev.put("severity", severityCaption(f.severity()));
    ev.put("time", millis(f.isOpen() || f.resolvedAt() == null ? f.lastSeen() : f.resolvedAt()));
    ev.put("message", f.message());
    int status = !f.isOpen() ? 4 : e.waiver().active() ? 3 : 1;
    ev.put("status_id", status);
    ev.put("status", switch (status) {
      case 1 -> "New";
      case 3 -> "Suppressed";
      default -> "Resolved";
    });
    if (e.waiver().id() != null) {
      // requested, expired and revoked waivers too: the finding stays New, the detail says why it is not suppressed
      ev.put("status_detail", (e.waiver().active() ? "waived: " : "") + e.waiver().describe());
    }
    Map<String, Object> product = new LinkedHashMap<>();
    product.put("name", "aims-monitor");
    product.put("vendor_name", "aims-monitor");
    product.put("version", context.toolVersion());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("version", OCSF_VERSION);
    metadata.put("product", product);
    metadata.put("uid", f.id() + ":" + millis(f.lastSeen()));
    metadata.put("logged_time", millis(context.generatedAt()));
    ev.put("metadata", metadata);

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("uid", f.id());
    info.put("title", f.title());
    info.put("desc", f.message());
    info.put("created_time", millis(f.firstSeen()));
    info.put("first_seen_time", millis(f.firstSeen()));
    info.put("last_seen_time", millis(f.lastSeen()));
    info.put("src_url", e.links().findingUrl());
    info.put("types", List.of(f.pack(), f.ruleId()));
    ev.put("finding_info", info);

    Map<String, Object> compliance = new LinkedHashMap<>();
    compliance.put("standards", List.of(STANDARD));
    compliance.put("control", f.controls().isEmpty() ? f.ruleId() : f.controls().get(0));
    compliance.put("requirements", f.controls());
    int complianceStatus = !f.isOpen() ? 1 : f.stale() ? 2 : 3;
    compliance.put("status_id", complianceStatus);
    compliance.put("status", switch (complianceStatus) {
      case 1 -> "Pass";
      case 2 -> "Warning";
      default -> "Fail";
    });
    compliance.put("desc", f.title());
    ev.put("compliance", compliance);

    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("uid", f.subject().key());
    resource.put("name", f.subject().displayName() == null ? f.subject().key() : f.subject().displayName());
    resource.put("type", f.subject().type());
    if (!f.owners().isEmpty()) {
      resource.put("labels", f.owners().stream().map(o -> "owner:" + o).toList());
    }
    Map<String, Object> resourceData = new LinkedHashMap<>();
    resourceData.put("url", f.subject().url());
    resourceData.put("source", f.source());
    resource.put("data", resourceData);
    ev.put("resources", List.of(resource));

    if (f.remediation() != null && !f.remediation().isBlank()) {
      ev.put("remediation", Map.of("desc", f.remediation()));
    }
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("name", "rule evidence");
    Map<String, Object> data = new LinkedHashMap<>(f.sortedEvidence());
    data.put("links", new TreeMap<>(Map.of("finding", e.links().findingUrl(), "sourceUrl", String.valueOf(e.links().sourceUrl()),
        "snapshot", String.valueOf(e.links().snapshot()))));
    if (e.waiver().id() != null) {
      data.put("waiver", ExportJson.waiver(e.waiver()));
    }
    evidence.put("data", data);
    ev.put("evidences", List.of(evidence));
    return ev;
  }

  static int severityId(Severity s) {
    return s.ordinal() + 1;
  }

  static String severityCaption(Severity s) {
    return switch (s) {
      case INFO -> "Informational";
      case LOW -> "Low";
      case MEDIUM -> "Medium";
      case HIGH -> "High";
      case CRITICAL -> "Critical";
    };
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
