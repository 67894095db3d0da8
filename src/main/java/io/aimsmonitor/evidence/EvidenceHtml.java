package io.aimsmonitor.evidence;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.history.TimeTravel;
import io.aimsmonitor.integrity.HashChains;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The evidence pack's report as XHTML (well-formed, as the PDF renderer requires; printable with
 * its own CSS). Every value is escaped; only ASCII punctuation is used, so the PDF's standard fonts
 * show all of it.
 */
final class EvidenceHtml {

  private final TimeTravel.PeriodReport period;
  private final List<ControlReport.Row> soa;
  private final ControlCatalog catalog;
  private final Function<String, Optional<String>> exclusions;
  private final List<EvidencePack.Coverage> coverage;
  private final List<EvidencePack.EvidenceFile> evidence;
  private final HashChains.Report integrity;
  private final String version;
  private final Instant generated;
  private final StringBuilder out = new StringBuilder(64 * 1024);

  EvidenceHtml(TimeTravel.PeriodReport period, List<ControlReport.Row> soa, ControlCatalog catalog,
      Function<String, Optional<String>> exclusions, List<EvidencePack.Coverage> coverage,
      List<EvidencePack.EvidenceFile> evidence, HashChains.Report integrity, String version, Instant generated) {
    this.period = period;
    this.soa = soa;
    this.catalog = catalog;
    this.exclusions = exclusions;
    this.coverage = coverage;
    this.evidence = evidence;
    this.integrity = integrity;
    this.version = version;
    this.generated = generated;
  }

  private static final String CSS = """
      @page { size: A4 landscape; margin: 14mm 12mm; @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt; } }
      body { font-family: Helvetica, Arial, sans-serif; font-size: 9pt; color: #111; }
      h1 { font-size: 18pt; margin: 0 0 4pt 0; }
      h2 { font-size: 12pt; margin: 16pt 0 4pt 0; border-bottom: 1px solid #888; page-break-after: avoid; }
      p.meta { margin: 2pt 0; }
      table { border-collapse: collapse; width: 100%; margin-top: 4pt; }
      th, td { border: 1px solid #bbb; padding: 2pt 3pt; vertical-align: top; text-align: left; word-wrap: break-word; }
      th { background: #e8e8e8; }
      tr { page-break-inside: avoid; }
      td.hash { font-family: Courier, monospace; font-size: 7pt; }
      .non_compliant, .BROKEN { color: #a00000; font-weight: bold; }
      .compliant, .intact { color: #006000; }
      .unknown, .stale { color: #8a5a00; }
      .small { font-size: 8pt; color: #444; }
      .summary td { font-size: 10pt; }
      """;

  String render() {
    out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
        .append("<title>ISO/IEC 42001 evidence pack ").append(esc(day(period.from()))).append(" to ")
        .append(esc(day(period.to()))).append("</title><style>").append(CSS).append("</style></head><body>");
    cover();
    statementOfApplicability();
    clauses();
    findings();
    regressions();
    waivers();
    connectors();
    rawEvidence();
    integrity();
    howToCheck();
    out.append("</body></html>\n");
    return out.toString();
  }

  private void cover() {
    out.append("<h1>ISO/IEC 42001 evidence pack</h1>");
    meta("Audit period", period.from() + " to " + period.to() + " (end exclusive)");
    meta("Generated", generated + " by aims-monitor " + version);
    meta("First evaluation on record", period.firstEvaluation() == null ? "none" : period.firstEvaluation().toString());
    meta("History integrity", integrity.intact() ? "intact: every hash chain verifies"
        : "BROKEN: " + describe(integrity.firstBreak()));
    TimeTravel.Summary s = period.summary();
    out.append("<table class=\"summary\"><tr><th>Controls at the end</th><th>Findings open at the end</th>")
        .append("<th>Opened in the period</th><th>Resolved in the period</th><th>Regressions</th>")
        .append("<th>Mean time to remediate</th><th>Waivers in force</th></tr><tr><td>");
    out.append(esc(s.statusAtEnd().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", "))));
    out.append("</td>").append(td(s.findingsOpen())).append(td(s.findingsOpened())).append(td(s.findingsResolved()))
        .append(td(s.regressions())).append(td(hours(s.meanTimeToRemediateHours()))).append(td(s.waiversInForce()))
        .append("</tr></table>");
    out.append("<p class=\"small\">");
    period.notes().forEach(n -> out.append(esc(n)).append(' '));
    out.append("</p>");
  }

  private void statementOfApplicability() {
    out.append("<h2>Statement of Applicability: Annex A controls</h2>");
    controlTable(Control.Part.ANNEX_A);
  }

  private void clauses() {
    out.append("<h2>Management system requirements: clauses 4 to 10</h2>");
    controlTable(Control.Part.CLAUSE);
  }

  private void controlTable(Control.Part part) {
    Map<String, TimeTravel.ControlPeriod> byId = period.controls().stream()
        .collect(Collectors.toMap(TimeTravel.ControlPeriod::id, c -> c));
    out.append("<table><tr><th style=\"width:6%\">Control</th><th style=\"width:14%\">Title</th>")
        .append("<th style=\"width:11%\">Applicable</th><th style=\"width:27%\">How it is met</th>")
        .append("<th style=\"width:9%\">Automated or attested</th><th style=\"width:9%\">Status at start</th>")
        .append("<th style=\"width:9%\">Status at end</th><th style=\"width:8%\">Out of compliance</th>")
        .append("<th style=\"width:7%\">Mean time to remediate</th></tr>");
    for (ControlReport.Row r : soa) {
      Control c = catalog.find(r.id()).orElse(null);
      if (c == null || c.part() != part) {
        continue;
      }
      TimeTravel.ControlPeriod p = byId.get(r.id());
      String exclusion = exclusions.apply(r.id()).orElse(null);
      String how = switch (r.automation()) {
        case "automated", "partly automated" -> "Evaluated continuously by rules " + String.join(", ", r.rules())
            + ". Evidence: " + c.evidence();
        case "attestation-only" -> "Attestation by a person. Evidence: " + c.evidence();
        default -> "No loaded rule decides it. Evidence needed: " + c.evidence();
      };
      out.append("<tr><td>").append(esc(r.id())).append("</td>").append(td(r.title()))
          .append(td(exclusion == null ? "Yes" : "Yes; findings accepted: " + exclusion)).append(td(how))
          .append(td(r.automation())).append(statusTd(p == null ? "" : p.statusAtStart()))
          .append(statusTd(r.status()))
          // no rule decides it: nothing was measured, so no figure is shown (not a misleading 0%)
          .append(td(p == null || r.rules().isEmpty() ? "not measured" : formatDuration(Duration.ofSeconds(
              p.secondsOutOfCompliance())) + " (" + p.percentOutOfCompliance() + "%)"))
          .append(td(p == null || r.rules().isEmpty() ? "-" : hours(p.meanTimeToRemediateHours()))).append("</tr>");
    }
    out.append("</table>");
  }

  private void findings() {
    out.append("<h2>Findings open in the period and their resolution</h2>");
    if (period.findings().isEmpty()) {
      out.append("<p>No finding was open in the period.</p>");
      return;
    }
    out.append("<table><tr><th>Finding</th><th>Rule</th><th>Title</th><th>Severity</th><th>Subject</th>")
        .append("<th>Controls</th><th>First opened</th><th>At the end</th><th>Resolved</th><th>History in the period</th></tr>");
    for (TimeTravel.FindingPeriod f : period.findings()) {
      out.append("<tr>").append(td(f.id())).append(td(f.ruleId())).append(td(f.title())).append(td(f.severity()))
          .append(td(f.subject())).append(td(String.join(", ", f.controls())))
          .append(td(f.firstOpened() == null ? "" : f.firstOpened().toString()))
          .append(td(f.statusAtEnd() + (f.waivedAtEnd() ? " (waived)" : "")))
          .append(td(f.resolvedAt() == null ? "" : f.resolvedAt().toString()))
          .append(td(f.events().stream().map(e -> e.at() + " " + e.type() + " (" + e.actor() + ")")
              .collect(Collectors.joining("; ")))).append("</tr>");
    }
    out.append("</table>");
  }

  private void regressions() {
    out.append("<h2>Regressions</h2>");
    if (period.regressions().isEmpty()) {
      out.append("<p>No resolved finding came back in the period.</p>");
      return;
    }
    out.append("<table><tr><th>When</th><th>Finding</th><th>Rule</th><th>Controls</th><th>Subject</th></tr>");
    period.regressions().forEach(r -> out.append("<tr>").append(td(r.at().toString())).append(td(r.findingId()))
        .append(td(r.ruleId())).append(td(String.join(", ", r.controls()))).append(td(r.subject())).append("</tr>"));
    out.append("</table>");
  }

  private void waivers() {
    out.append("<h2>Waivers in force in the period (accepted risks)</h2>");
    if (period.waivers().isEmpty()) {
      out.append("<p>No waiver was in force in the period.</p>");
      return;
    }
    out.append("<table><tr><th>Waiver</th><th>Covers</th><th>Justification</th><th>Requested by</th>")
        .append("<th>Approved by</th><th>Approved at</th><th>Ends</th></tr>");
    for (TimeTravel.WaiverInForce w : period.waivers()) {
      String covers = w.findingId() != null ? "finding " + w.findingId()
          : "rule " + w.ruleId() + " for " + (w.subjectPattern() == null ? "every subject" : w.subjectPattern());
      out.append("<tr>").append(td(w.id())).append(td(covers)).append(td(w.justification())).append(td(w.requestedBy()))
          .append(td(w.approvedBy())).append(td(w.approvedAt().toString()))
          .append(td(w.endsAt() + (w.endedBy() == null ? "" : " (revoked by " + w.endedBy() + ")"))).append("</tr>");
    }
    out.append("</table>");
  }

  private void connectors() {
    out.append("<h2>Connector coverage and evidence freshness at the end of the period</h2>");
    out.append("<table><tr><th>Connector</th><th>Type</th><th>Enabled</th><th>Expected every</th>")
        .append("<th>Last good snapshot</th><th>Facts</th><th>Age at the end</th><th>Fresh</th>")
        .append("<th>Runs in the period (ok / failed)</th></tr>");
    for (EvidencePack.Coverage c : coverage) {
      out.append("<tr>").append(td(c.id())).append(td(c.type())).append(td(c.enabled() ? "yes" : "no"))
          .append(td(c.expectedInterval() == null ? "" : formatDuration(c.expectedInterval())))
          .append(td(c.lastSuccess() == null ? "none" : c.lastSuccess() + " (run " + c.lastRun() + ")"))
          .append(td(c.facts() == null ? "" : String.valueOf(c.facts())))
          .append(td(c.age() == null ? "" : formatDuration(c.age())))
          .append(c.enabled() ? (c.stale() ? "<td class=\"stale\">stale</td>" : "<td class=\"compliant\">fresh</td>")
              : "<td>not collected</td>")
          .append(td(c.runsSucceeded() + " / " + c.runsFailed())).append("</tr>");
    }
    out.append("</table>");
  }

  private void rawEvidence() {
    out.append("<h2>Raw evidence in this pack</h2><table><tr><th style=\"width:34%\">File</th>")
        .append("<th style=\"width:36%\">What it is</th><th>SHA-256</th></tr>");
    evidence.forEach(e -> out.append("<tr>").append(td(e.path())).append(td(e.what() + " (" + e.bytes() + " bytes)"))
        .append("<td class=\"hash\">").append(esc(e.sha256())).append("</td></tr>"));
    out.append("</table>");
  }

  private void integrity() {
    out.append("<h2>Integrity of the history</h2><table><tr><th>Chain</th><th>Entries</th><th>Head hash</th>")
        .append("<th>Result</th></tr>");
    integrity.chains().forEach(c -> out.append("<tr>").append(td(c.table())).append(td(c.entries()))
        .append("<td class=\"hash\">").append(esc(c.head() == null ? "" : c.head())).append("</td>")
        .append(c.intact() ? "<td class=\"intact\">intact</td>" : "<td class=\"BROKEN\">" + esc(describe(c.firstBreak()))
            + "</td>").append("</tr>"));
    out.append("</table>");
  }

  private void howToCheck() {
    out.append("<h2>How to check this pack</h2><p>Every file of the pack is listed with its SHA-256 in manifest.sha256;")
        .append(" in the unpacked folder run <code>sha256sum -c manifest.sha256</code>. When manifest.sha256.sig is")
        .append(" present, the manifest is signed with the organisation's evidence key (signature.txt names the")
        .append(" algorithm); check it with the public key as docs/evidence.md describes. The data/ and oscal/ folders")
        .append(" hold this report as JSON and as OSCAL 1.1.2 (catalog, assessment results, plan of action and")
        .append(" milestones); evidence/ holds the fact snapshots the findings were decided on and the rule packs.</p>");
  }

  // --- helpers -------------------------------------------------------------------------------

  private void meta(String label, String value) {
    out.append("<p class=\"meta\"><b>").append(esc(label)).append(":</b> ").append(esc(value)).append("</p>");
  }

  private static String describe(HashChains.Break b) {
    return b == null ? "" : b.table() + (b.id() == null ? "" : " id " + b.id()) + ": " + b.problem();
  }

  private static String td(Object value) {
    return "<td>" + esc(value == null ? "" : String.valueOf(value)) + "</td>";
  }

  /** The status word, its underscore shown as a space so that narrow PDF columns wrap between words. */
  private static String statusTd(String status) {
    return "<td class=\"" + esc(status) + "\">" + esc(status.replace('_', ' ')) + "</td>";
  }

  private static String hours(Double h) {
    return h == null ? "-" : h + " h";
  }

  private static String day(Instant t) {
    return t.toString().substring(0, 10);
  }

  static String formatDuration(Duration d) {
    long s = d.getSeconds();
    if (s >= 86_400) {
      return (s / 86_400) + "d " + (s % 86_400) / 3600 + "h";
    }
    if (s >= 3600) {
      return (s / 3600) + "h " + (s % 3600) / 60 + "m";
    }
    return (s / 60) + "m " + (s % 60) + "s";
  }

  /** XML-escapes text and replaces what the PDF's standard fonts cannot show. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\u2026' -> b.append("...");
        case '\u2013', '\u2014' -> b.append('-');
        case '\u2018', '\u2019' -> b.append('\'');
        case '\u201c', '\u201d' -> b.append("&quot;");
        default -> {
          if (ch < 0x20 && ch != '\n' && ch != '\t') {
            b.append(' ');
          } else if (ch > 0xff) {
            b.append("&#").append((int) ch).append(';');
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }
}
