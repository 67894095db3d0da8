package io.aimsmonitor.oscal;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.EvidenceLinks;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.history.FindingHistory;
import io.aimsmonitor.history.TimeTravel;
import io.aimsmonitor.rules.RuleDefinition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * OSCAL 1.1.2 documents (docs/oscal.md): the control catalogue as a catalog, a period or one
 * evaluation as assessment-results, and the open findings as a plan of action and milestones.
 * Built as plain maps in the order the OSCAL JSON format lists fields, written by Jackson; UUIDs
 * are name-based ({@link OscalUuid}), so the same control, finding or waiver keeps its UUID.
 *
 * <p>Mapping: a control is an OSCAL control ({@code a.6.2.6}, clause {@code c.8.1}; the ISO id is
 * its {@code label}); each finding open in the period is an observation (method AUTOMATED,
 * relevant-evidence = the source-system link, link = the finding in the API); each control the
 * rules decide gets an OSCAL finding, satisfied only when compliant; each open finding is a risk,
 * {@code deviation-approved} with the waiver as a completed response when a waiver is in force.
 */
public class OscalExporter {

  public static final String OSCAL_VERSION = "1.1.2";
  /** The namespace of aims-monitor's own properties. */
  public static final String NS = "https://github.com/aims-monitor/aims-monitor/ns/oscal";

  private final ControlCatalog catalog;
  private final Supplier<Collection<RuleDefinition>> rules;
  private final TimeTravel timeTravel;
  private final FindingHistory history;
  private final Function<String, Optional<Finding>> findings;
  private final Function<Finding, FindingWorkflow> workflows;
  private final Supplier<List<Waiver>> waivers;
  private final String baseUrl;
  private final String version;
  private final Clock clock;

  public OscalExporter(ControlCatalog catalog, Supplier<Collection<RuleDefinition>> rules, TimeTravel timeTravel,
      FindingHistory history, Function<String, Optional<Finding>> findings, Function<Finding, FindingWorkflow> workflows,
      Supplier<List<Waiver>> waivers, String baseUrl, String version, Clock clock) {
    this.catalog = catalog;
    this.rules = rules;
    this.timeTravel = timeTravel;
    this.history = history;
    this.findings = findings;
    this.workflows = workflows;
    this.waivers = waivers;
    this.baseUrl = baseUrl;
    this.version = version == null ? "dev" : version;
    this.clock = clock;
  }

  /** The OSCAL id of a control: {@code A.6.2.6} is {@code a.6.2.6}, clause {@code 8.1} is {@code c.8.1}. */
  public static String controlId(String isoId) {
    return Character.isDigit(isoId.charAt(0)) ? "c." + isoId : isoId.toLowerCase(Locale.ROOT);
  }

  // --- catalog -------------------------------------------------------------------------------

  public Map<String, Object> catalog() {
    Map<String, List<Map<String, Object>>> byFamily = new LinkedHashMap<>();
    Collection<RuleDefinition> loaded = rules.get();
    for (Control c : catalog.all()) {
      List<String> deciding = loaded.stream().filter(r -> r.controls().contains(c.id())).map(RuleDefinition::id)
          .sorted().toList();
      List<Map<String, Object>> props = new ArrayList<>();
      props.add(prop("label", c.id(), null));
      props.add(prop("automation", c.automation().name().toLowerCase(Locale.ROOT), NS));
      deciding.forEach(r -> props.add(prop("rule", r, NS)));
      c.euAiAct().forEach(a -> props.add(prop("eu-ai-act", a, NS)));
      c.nistAiRmf().forEach(a -> props.add(prop("nist-ai-rmf", a, NS)));
      byFamily.computeIfAbsent(c.family(), k -> new ArrayList<>()).add(obj(
          "id", controlId(c.id()),
          "class", c.part() == Control.Part.ANNEX_A ? "annex-a-control" : "clause-requirement",
          "title", c.title(),
          "props", props,
          "parts", List.of(obj("id", controlId(c.id()) + "_gdn", "name", "guidance",
              "prose", "Evidence that shows it: " + c.evidence()))));
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    byFamily.forEach((family, controls) -> groups.add(obj(
        "id", controlId(family),
        "class", Character.isDigit(family.charAt(0)) ? "clause" : "annex-a-objective",
        "title", Character.isDigit(family.charAt(0)) ? "Clause " + family : "Annex A objective " + family,
        "controls", controls)));
    Instant now = clock.instant();
    return obj("catalog", obj(
        "uuid", OscalUuid.of("catalog", version + ":" + now),
        "metadata", metadata("ISO/IEC 42001:2023 requirements as monitored by aims-monitor", now, List.of(
            "Titles are paraphrases: the standard's own text is not public. Automation and deciding rules are those"
                + " of the rule packs loaded at export.")),
        "groups", groups));
  }

  // --- assessment results --------------------------------------------------------------------

  /** Assessment results of one recorded evaluation: the state its run left, over its run time. */
  public Map<String, Object> assessmentResultsOfEvaluation(long evaluationId) {
    FindingHistory.EvaluationWindow w = history.evaluation(evaluationId).orElseThrow(() ->
        new java.util.NoSuchElementException("no evaluation " + evaluationId + " is recorded"));
    return assessmentResults(w.startedAt(), w.finishedAt().plus(1, ChronoUnit.MICROS), "Evaluation " + evaluationId);
  }

  /** Assessment results of a period [from, to): the state at {@code to}, the findings open within it. */
  public Map<String, Object> assessmentResults(Instant from, Instant to, String title) {
    TimeTravel.PeriodReport period = timeTravel.period(from, to);
    List<Map<String, Object>> observations = new ArrayList<>();
    Map<String, List<String>> observationsByControl = new LinkedHashMap<>();
    Map<String, List<String>> risksByControl = new LinkedHashMap<>();
    List<Map<String, Object>> risks = new ArrayList<>();
    for (TimeTravel.FindingPeriod f : period.findings()) {
      Optional<Finding> full = findings.apply(f.id());
      String obsUuid = OscalUuid.of("observation", f.id() + "@" + to);
      observations.add(observation(obsUuid, f, full, to));
      f.controls().forEach(c -> observationsByControl.computeIfAbsent(c, k -> new ArrayList<>()).add(obsUuid));
      if (f.statusAtEnd().equals("open")) {
        String riskUuid = OscalUuid.of("risk", f.id());
        risks.add(risk(riskUuid, f, full, obsUuid, to, false));
        f.controls().forEach(c -> risksByControl.computeIfAbsent(c, k -> new ArrayList<>()).add(riskUuid));
      }
    }
    List<Map<String, Object>> oscalFindings = new ArrayList<>();
    List<Map<String, Object>> reviewed = new ArrayList<>();
    for (TimeTravel.ControlPeriod c : period.controls()) {
      if (c.rules().isEmpty()) {
        continue; // no rule decides it: not assessed here (an attestation or a gap, shown in the catalog)
      }
      reviewed.add(obj("control-id", controlId(c.id())));
      boolean satisfied = c.statusAtEnd().equals(ControlStatus.COMPLIANT);
      oscalFindings.add(obj(
          "uuid", OscalUuid.of("finding", c.id() + "@" + to),
          "title", c.id() + " " + c.title() + ": " + c.statusAtEnd(),
          "description", "Status " + c.statusAtEnd() + " at " + to + " (at " + from + ": " + c.statusAtStart() + "), decided"
              + " by " + String.join(", ", c.rules()) + ". Out of compliance " + c.percentOutOfCompliance()
              + "% of the period; " + c.opened() + " findings opened, " + c.resolved() + " resolved, " + c.regressions()
              + " regressions.",
          "props", List.of(prop("aims-status", c.statusAtEnd(), NS),
              prop("seconds-out-of-compliance", String.valueOf(c.secondsOutOfCompliance()), NS)),
          "target", obj("type", "objective-id", "target-id", controlId(c.id()),
              "status", obj("state", satisfied ? "satisfied" : "not-satisfied",
                  "reason", satisfied ? null : reason(c.statusAtEnd()))),
          "related-observations", uuids("observation-uuid", observationsByControl.get(c.id())),
          "related-risks", uuids("risk-uuid", risksByControl.get(c.id()))));
    }
    Instant now = clock.instant();
    String apUuid = OscalUuid.of("assessment-plan", "continuous");
    return obj("assessment-results", obj(
        "uuid", OscalUuid.of("assessment-results", from + "/" + to + "@" + now),
        "metadata", metadata("aims-monitor assessment results: " + title, now, period.notes()),
        "import-ap", obj("href", "#" + apUuid, "remarks", "aims-monitor evaluates continuously: the plan is the set of"
            + " rule packs loaded, described in the back matter."),
        "results", List.of(obj(
            "uuid", OscalUuid.of("result", from + "/" + to),
            "title", title,
            "description", "Automated evaluation of ISO/IEC 42001 controls by aims-monitor from " + from + " to " + to
                + ": " + period.summary().findingsOpen() + " findings open at the end, " + period.summary().regressions()
                + " regressions, " + period.summary().waiversInForce() + " waivers in force.",
            "start", from.toString(),
            "end", to.toString(),
            "reviewed-controls", obj("control-selections", List.of(reviewed.isEmpty()
                ? obj("include-all", Map.of()) : obj("include-controls", reviewed))),
            "observations", observations.isEmpty() ? null : observations,
            "risks", risks.isEmpty() ? null : risks,
            "findings", oscalFindings.isEmpty() ? null : oscalFindings)),
        "back-matter", obj("resources", List.of(obj("uuid", apUuid, "title", "Rule packs (assessment plan)",
            "description", "The rule packs loaded when this document was made: " + String.join(", ",
                rules.get().stream().map(RuleDefinition::pack).distinct().sorted().toList()))))));
  }

  // --- POA&M ---------------------------------------------------------------------------------

  /** A plan of action and milestones for the findings open at {@code at}. */
  public Map<String, Object> poam(Instant at) {
    List<Map<String, Object>> observations = new ArrayList<>();
    List<Map<String, Object>> risks = new ArrayList<>();
    List<Map<String, Object>> items = new ArrayList<>();
    TimeTravel.PeriodReport period = timeTravel.period(at.minus(1, ChronoUnit.MICROS), at);
    for (TimeTravel.FindingPeriod f : period.findings()) {
      if (!f.statusAtEnd().equals("open")) {
        continue;
      }
      Optional<Finding> full = findings.apply(f.id());
      String obsUuid = OscalUuid.of("observation", f.id() + "@" + at);
      String riskUuid = OscalUuid.of("risk", f.id());
      observations.add(observation(obsUuid, f, full, at));
      risks.add(risk(riskUuid, f, full, obsUuid, at, true));
      items.add(obj(
          "uuid", OscalUuid.of("poam-item", f.id()),
          "title", f.title() + " (" + f.subject() + ")",
          "description", full.map(Finding::message).orElse(f.title()),
          "props", List.of(prop("severity", f.severity().toLowerCase(Locale.ROOT), NS),
              prop("finding-id", f.id(), NS)),
          "related-observations", uuids("observation-uuid", List.of(obsUuid)),
          "related-risks", uuids("risk-uuid", List.of(riskUuid))));
    }
    if (items.isEmpty()) {
      // OSCAL requires at least one item; say plainly that nothing is open rather than invent a risk
      items.add(obj("uuid", OscalUuid.of("poam-item", "none@" + at), "title", "No open findings",
          "description", "aims-monitor had no open finding at " + at + "."));
    }
    Instant now = clock.instant();
    return obj("plan-of-action-and-milestones", obj(
        "uuid", OscalUuid.of("poam", at + "@" + now),
        "metadata", metadata("aims-monitor plan of action and milestones: open findings at " + at, now, List.of(
            "Deadlines are the findings' due dates in the review workflow.")),
        "system-id", obj("identifier-type", "https://ietf.org/rfc/rfc4122", "id", OscalUuid.of("system", "aims")),
        "observations", observations.isEmpty() ? null : observations,
        "risks", risks.isEmpty() ? null : risks,
        "poam-items", items));
  }

  // --- parts ---------------------------------------------------------------------------------

  private Map<String, Object> observation(String uuid, TimeTravel.FindingPeriod f, Optional<Finding> full, Instant at) {
    EvidenceLinks links = full.map(x -> EvidenceLinks.of(x, baseUrl)).orElse(null);
    List<Map<String, Object>> evidence = new ArrayList<>();
    if (links != null && links.sourceUrl() != null) {
      evidence.add(obj("href", links.sourceUrl(), "description", "The subject in its source system"
          + (links.source() == null ? "" : " (" + links.source() + ")") + "."));
    }
    List<Map<String, Object>> props = new ArrayList<>(List.of(prop("rule", f.ruleId(), NS),
        prop("severity", f.severity().toLowerCase(Locale.ROOT), NS)));
    f.controls().forEach(c -> props.add(prop("control", c, NS)));
    if (links != null && links.snapshot() != null) {
      props.add(prop("snapshot", String.valueOf(links.snapshot()), NS));
    }
    return obj(
        "uuid", uuid,
        "title", f.title(),
        "description", full.map(Finding::message).orElse(f.title()) + " Subject: " + f.subject() + ".",
        "props", props,
        "links", links == null ? null : List.of(obj("href", links.findingUrl(), "rel", "related",
            "text", "The finding with its full evidence and history")),
        "methods", List.of("AUTOMATED"),
        "types", List.of("finding"),
        "relevant-evidence", evidence.isEmpty() ? null : evidence,
        "collected", (f.firstOpened() == null ? at : f.firstOpened()).toString());
  }

  private Map<String, Object> risk(String uuid, TimeTravel.FindingPeriod f, Optional<Finding> full, String obsUuid,
      Instant at, boolean plan) {
    Waiver waiver = waivers.get().stream().filter(w -> w.approvedAt() != null && !w.approvedAt().isAfter(at)
            && w.state(at) != Waiver.State.REVOKED && w.expiresAt().isAfter(at))
        .filter(w -> w.covers(f.id(), f.ruleId(), full.map(x -> x.subject().key()).orElse(null))).findFirst()
        .orElse(null);
    FindingWorkflow workflow = full.map(workflows).orElse(null);
    List<Map<String, Object>> responses = new ArrayList<>();
    if (waiver != null) {
      responses.add(obj("uuid", OscalUuid.of("waiver", waiver.id()), "lifecycle", "completed",
          "title", "Risk accepted by waiver " + waiver.id(),
          "description", waiver.justification() + " (requested by " + waiver.requestedBy() + ", approved by "
              + waiver.approvedBy() + " at " + waiver.approvedAt() + ", until " + waiver.expiresAt() + ")",
          "props", List.of(prop("approved-by", waiver.approvedBy(), NS), prop("expires", waiver.expiresAt().toString(), NS))));
    } else if (plan) {
      responses.add(obj("uuid", OscalUuid.of("remediation", f.id()), "lifecycle", "planned",
          "title", "Remediate " + f.ruleId(),
          "description", full.map(Finding::remediation).filter(r -> r != null && !r.isBlank())
              .orElse("Fix the subject so that " + f.ruleId() + " holds.")));
    }
    return obj(
        "uuid", uuid,
        "title", f.title() + " (" + f.subject() + ")",
        "description", full.map(Finding::message).orElse(f.title()),
        "statement", "Controls " + String.join(", ", f.controls()) + " are not met for " + f.subject() + " while this"
            + " finding is open.",
        "props", List.of(prop("severity", f.severity().toLowerCase(Locale.ROOT), NS), prop("finding-id", f.id(), NS)),
        "status", waiver != null ? "deviation-approved" : "open",
        "deadline", waiver == null && workflow != null && workflow.dueAt() != null ? workflow.dueAt().toString() : null,
        "remediations", responses.isEmpty() ? null : responses,
        "related-observations", uuids("observation-uuid", List.of(obsUuid)));
  }

  private Map<String, Object> metadata(String title, Instant now, List<String> remarks) {
    return obj("title", title, "last-modified", now.toString(), "version", version, "oscal-version", OSCAL_VERSION,
        "remarks", String.join("\n\n", remarks));
  }

  private static String reason(String status) {
    return switch (status) {
      case ControlStatus.UNKNOWN -> "stale-evidence";
      case ControlStatus.NOT_EVALUATED -> "not-evaluated";
      default -> "open-findings";
    };
  }

  /** Status words of {@link io.aimsmonitor.finding.ControlAssessment.Status}. */
  private static final class ControlStatus {
    static final String COMPLIANT = "compliant";
    static final String UNKNOWN = "unknown";
    static final String NOT_EVALUATED = "not_evaluated";
  }

  private static List<Map<String, Object>> uuids(String key, List<String> values) {
    return values == null || values.isEmpty() ? null : values.stream().distinct().map(v -> obj(key, v)).toList();
  }

  private static Map<String, Object> prop(String name, String value, String ns) {
    return obj("name", name, "ns", ns, "value", value);
  }

  /** An ordered JSON object; null values are left out (OSCAL has no nulls). */
  static Map<String, Object> obj(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        m.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return m;
  }
}
