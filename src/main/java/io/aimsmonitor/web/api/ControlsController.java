package io.aimsmonitor.web.api;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.ControlReport.Row;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.history.TimeTravel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Statement of Applicability as data: every Annex A control and clause with its automation,
 * deciding rules, current status and open findings.
 */
@RestController
@RequestMapping("/api/controls")
public class ControlsController {

  private final ControlCatalog catalog;
  private final RuleBook ruleBook;
  private final FindingRepository findings;
  private final MonitorService monitor;
  private final ObjectProvider<ControlReport.Exclusions> exclusions;
  private final TimeTravel timeTravel;

  public ControlsController(ControlCatalog catalog, RuleBook ruleBook, FindingRepository findings,
      MonitorService monitor, ObjectProvider<ControlReport.Exclusions> exclusions, TimeTravel timeTravel) {
    this.catalog = catalog;
    this.ruleBook = ruleBook;
    this.findings = findings;
    this.monitor = monitor;
    this.exclusions = exclusions;
    this.timeTravel = timeTravel;
  }

  /** The report and how many controls are in each status. */
  public record ControlsView(List<Row> controls, Map<String, Long> byStatus) {}

  /**
   * @param part {@code annex-a}, {@code clause} or {@code all} (default)
   * @param status only controls in this status, e.g. {@code non_compliant}
   * @param asOf ISO-8601 instant: every control as it stood then, from the finding history
   *     (docs/evidence.md, time travel); absent: now
   */
  @GetMapping
  public ControlsView list(@RequestParam(required = false) String part, @RequestParam(required = false) String status,
      @RequestParam(required = false) Instant asOf) {
    List<Row> rows = asOf != null ? timeTravel.controlsAsOf(asOf) : ControlReport.assess(catalog, ruleBook.rules().values(), findings.openCountsByControl(),
        monitor.staleRules(), exclusions.getIfAvailable(() -> ControlReport.Exclusions.NONE));
    List<Row> selected = ControlReport.filter(rows, part, status);
    Map<String, Long> byStatus = new TreeMap<>();
    selected.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
    return new ControlsView(selected, byStatus);
  }
}
