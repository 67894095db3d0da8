package io.aimsmonitor.web.api;

import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.history.FindingHistory;
import io.aimsmonitor.history.TimeTravel;
import io.aimsmonitor.review.AiSystemInventory;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Time travel (docs/evidence.md): what happened over an audit period, and every AI system as it
 * stood at a past instant. {@code GET /api/controls?asOf=} gives the controls at a past instant.
 */
@RestController
@RequestMapping("/api/reports")
public class ReportsController {

  private final TimeTravel timeTravel;
  private final FindingHistory history;
  private final AiSystemInventory inventory;
  private final Clock clock;

  public ReportsController(TimeTravel timeTravel, FindingHistory history, AiSystemInventory inventory, Clock clock) {
    this.timeTravel = timeTravel;
    this.history = history;
    this.inventory = inventory;
    this.clock = clock;
  }

  /**
   * Per control over [from, to): status at start and end, time out of compliance, mean time to
   * remediate, regressions; the findings open in the period and the waivers in force.
   *
   * @param from ISO-8601 instant, e.g. {@code 2026-01-01T00:00:00Z}
   * @param to ISO-8601 instant (exclusive); default now
   */
  @GetMapping("/period")
  public TimeTravel.PeriodReport period(@RequestParam Instant from, @RequestParam(required = false) Instant to) {
    Instant end = to == null ? clock.instant() : to;
    if (!from.isBefore(end)) {
      throw new BadParameterException("from", "must be before to (" + end + ")");
    }
    return timeTravel.period(from, end);
  }

  /**
   * One AI system at a past instant: its open findings then and the status of each control for its
   * subjects alone. Membership (which subjects make up the system) is today's.
   */
  public record SystemAsOf(String id, Instant asOf, long openFindings, long waivedFindings,
      Map<String, Long> controlsByStatus, List<ControlReport.Row> controls) {}

  /** @param asOf ISO-8601 instant; default now */
  @GetMapping("/ai-systems")
  public List<SystemAsOf> aiSystems(@RequestParam(required = false) Instant asOf) {
    Instant at = asOf == null ? clock.instant() : asOf;
    List<FindingHistory.Tracked> all = history.upTo(at);
    return inventory.systems().stream().map(s -> {
      Set<String> subjects = s.subjects();
      List<FindingHistory.Tracked> mine = all.stream().filter(f -> subjects.contains(f.subjectKey())).toList();
      List<ControlReport.Row> rows = timeTravel.controlsAsOf(at, mine, f -> true).stream()
          .filter(r -> !r.rules().isEmpty()).toList();
      Map<String, Long> byStatus = new TreeMap<>();
      rows.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
      long open = mine.stream().filter(f -> f.stateAt(at).open() && !f.stateAt(at).waived()).count();
      long waived = mine.stream().filter(f -> f.stateAt(at).open() && f.stateAt(at).waived()).count();
      return new SystemAsOf(s.id(), at, open, waived, byStatus, rows);
    }).toList();
  }
}
