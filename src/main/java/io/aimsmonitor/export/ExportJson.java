package io.aimsmonitor.export;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.finding.Finding;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The JSON form of one exported finding, shared by the JSON writer and the notifications' payloads. */
public final class ExportJson {

  /** ISO-8601 times, no indentation: exports are read by tools. */
  static final JsonMapper MAPPER = FactJson.MAPPER;

  private ExportJson() {}

  /** A finding with its evidence, links and waiver, as an ordered map ready to serialise. */
  public static Map<String, Object> of(ExportedFinding e) {
    Finding f = e.finding();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", f.id());
    out.put("rule", f.ruleId());
    out.put("pack", f.pack());
    out.put("title", f.title());
    out.put("severity", f.severity().label());
    out.put("controls", f.controls());
    out.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT));
    out.put("stale", f.stale());
    out.put("message", f.message());
    out.put("remediation", f.remediation());
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("type", f.subject().type());
    subject.put("key", f.subject().key());
    subject.put("name", f.subject().displayName());
    subject.put("url", f.subject().url());
    out.put("subject", subject);
    out.put("source", f.source());
    out.put("owners", f.owners());
    out.put("firstSeen", text(f.firstSeen()));
    out.put("lastSeen", text(f.lastSeen()));
    out.put("resolvedAt", text(f.resolvedAt()));
    out.put("evidence", f.sortedEvidence());
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("sourceUrl", e.links().sourceUrl());
    links.put("snapshot", e.links().snapshot());
    links.put("finding", e.links().findingUrl());
    out.put("links", links);
    out.put("waiver", waiver(e.waiver()));
    return out;
  }

  /** A waiver state as JSON (JSON export, notifications, SARIF properties). */
  static Map<String, Object> waiver(WaiverState w) {
    Map<String, Object> waiver = new LinkedHashMap<>();
    waiver.put("id", w.id());
    waiver.put("status", w.status());
    waiver.put("expiresAt", text(w.expiresAt()));
    waiver.put("requestedBy", w.requestedBy());
    waiver.put("approvedBy", w.approvedBy());
    waiver.put("justification", w.justification());
    return waiver;
  }

  static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
