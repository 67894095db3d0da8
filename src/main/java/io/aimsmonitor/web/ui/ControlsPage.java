package io.aimsmonitor.web.ui;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.FindingSummary;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingSort;
import io.aimsmonitor.web.api.ControlsController;
import io.aimsmonitor.web.api.FindingParameters;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Page 5, the Statement of Applicability: every Annex A control and clause with its automation,
 * rules, status, open findings, waivers and attestation evidence (as {@code /api/controls}
 * answers), and per control a page with the findings behind it (as {@code /api/findings?control=}
 * answers).
 */
@Controller
public class ControlsPage {

  /** Findings listed per state on a control's page; the findings page has them all. */
  static final int FINDINGS_SHOWN = 100;

  private final ControlsController api;
  private final ControlCatalog catalog;
  private final RuleBook ruleBook;
  private final FindingRepository findings;
  private final ReviewService review;
  private final AiSystemInventory aiSystems;
  private final ObjectProvider<MonitorService> monitor;

  public ControlsPage(ControlsController api, ControlCatalog catalog, RuleBook ruleBook, FindingRepository findings,
      ReviewService review, AiSystemInventory aiSystems, ObjectProvider<MonitorService> monitor) {
    this.api = api;
    this.catalog = catalog;
    this.ruleBook = ruleBook;
    this.findings = findings;
    this.review = review;
    this.aiSystems = aiSystems;
    this.monitor = monitor;
  }

  /**
   * Findings of one state citing a control, with their workflow.
   *
   * @param total how many there are; {@code items} holds at most {@link #FINDINGS_SHOWN}
   */
  public record FindingList(List<FindingSummary> items, Map<String, FindingWorkflow> workflows, long total) {}

  /**
   * Everything a control's page shows.
   *
   * @param attestationsRead whether a rule deciding the control reads attestations; only then are
   *     {@code attestations} the evidence it is decided on
   */
  public record ControlDetail(ControlReport.Row row, Control control, List<RuleDefinition> rules, FindingList open,
      FindingList waived, List<Waiver> waivers, boolean attestationsRead, List<Attestation> attestations) {}

  @GetMapping("/controls")
  String list(@RequestParam(required = false) String part, @RequestParam(required = false) String status,
      @RequestParam(required = false) java.time.LocalDate asOf, Model model) {
    // a date means the end of that day in UTC: "compliant on 31 March" is how the day ended
    java.time.Instant at = asOf == null ? null : asOf.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    ControlsController.ControlsView view = api.list(blankToNull(part), blankToNull(status), at);
    model.addAttribute("asOf", asOf);
    model.addAttribute("controls", view.controls());
    model.addAttribute("byStatus", view.byStatus());
    model.addAttribute("part", blankToNull(part) == null ? "all" : part);
    model.addAttribute("status", blankToNull(status));
    model.addAttribute("statuses", List.of("compliant", "non_compliant", "unknown", "attestation_required",
        "not_covered", "not_evaluated"));
    model.addAttribute("attestedControls", attestedControls());
    return "ui/controls";
  }

  @GetMapping("/controls/{id}")
  String control(@PathVariable String id, Model model) {
    Control control = catalog.find(id).orElseThrow(() -> new NoSuchElementException(
        "no control or clause '" + id + "' in the ISO/IEC 42001 catalogue"));
    ControlReport.Row row = api.list(null, null, null).controls().stream().filter(r -> r.id().equals(control.id()))
        .findFirst().orElseThrow();
    List<RuleDefinition> rules = row.rules().stream().map(ruleBook::rule).flatMap(Optional::stream).toList();
    FindingList open = findings(control.id(), "open");
    FindingList waived = findings(control.id(), "waived");
    Map<String, Waiver> waivers = new LinkedHashMap<>();
    waived.workflows().values().stream().map(FindingWorkflow::waiver).filter(w -> w != null)
        .forEach(w -> waivers.putIfAbsent(w.id(), w));
    boolean attestationsRead = rules.stream().anyMatch(r -> r.factTypes().contains(Attestation.class));
    List<Attestation> attestations = attestationsRead ? attestations() : List.of();
    model.addAttribute("detail", new ControlDetail(row, control, rules, open, waived, List.copyOf(waivers.values()),
        attestationsRead, attestations));
    return "ui/control";
  }

  /** The controls a rule reading attestations decides: their page lists the attestations at hand. */
  private Set<String> attestedControls() {
    Set<String> controls = new java.util.TreeSet<>();
    ruleBook.rules().values().stream().filter(r -> r.factTypes().contains(Attestation.class))
        .forEach(r -> controls.addAll(r.controls()));
    return controls;
  }

  private List<Attestation> attestations() {
    MonitorService m = monitor.getIfAvailable();
    if (m == null) {
      return List.of();
    }
    return m.latestFacts().stream().filter(f -> f instanceof Attestation).map(f -> (Attestation) f)
        .sorted(Comparator.comparing(Attestation::type).thenComparing(a -> String.valueOf(a.system()))).toList();
  }

  private FindingList findings(String controlId, String state) {
    LinkedMultiValueMap<String, String> query = new LinkedMultiValueMap<>();
    query.add("control", controlId);
    query.add("status", state);
    var filter = FindingParameters.filter(query, Set.of(), new FindingParameters.Lookups(catalog, aiSystems));
    FindingRepository.SummaryPage page = findings.page(filter, FindingSort.DEFAULT, null, FINDINGS_SHOWN);
    return new FindingList(page.items(), review.summaryWorkflows(page), page.total());
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
