package io.aimsmonitor.web.ui;

import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.AiSystemInventory.AiSystem;
import io.aimsmonitor.web.api.AiSystemsController;
import io.aimsmonitor.web.api.AiSystemsController.AiSystemSummary;
import io.aimsmonitor.web.api.ReportsController;
import io.aimsmonitor.web.api.ReportsController.SystemAsOf;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Page 4, AI systems: the inventory, and one page per system with its model versions, datasets,
 * pipelines, owners and the status of every control the loaded rules decide for it. Reads what
 * {@code /api/ai-systems} answers, through the same {@link AiSystemInventory}.
 */
@Controller
public class AiSystemsPage {

  /** What is wrong first: a system's page lists its controls in this order of status, then catalogue order. */
  static final java.util.List<String> STATUS_ORDER = java.util.List.of("non_compliant", "unknown",
      "attestation_required", "compliant");

  private final AiSystemsController api;
  private final ReportsController reports;

  public AiSystemsPage(AiSystemsController api, ReportsController reports) {
    this.api = api;
    this.reports = reports;
  }

  /**
   * One row of the inventory: the system as it is now, with its findings and controls now or, on a
   * past date, as they stood then ({@code GET /api/reports/ai-systems?asOf=}).
   */
  public record SystemRow(AiSystemSummary system, long openFindings, long waivedFindings,
      Map<String, Long> controlsByStatus) {}

  /**
   * The inventory; with {@code asOf}, each system's open and waived findings and its controls by status
   * as they stood at the end of that day (UTC), from the finding history, as the controls page does.
   * Which subjects make up a system is today's (the report's documented limit).
   */
  @GetMapping("/ai-systems")
  String list(@RequestParam(required = false) LocalDate asOf, Model model) {
    List<AiSystemSummary> systems = api.list();
    List<SystemRow> rows;
    if (asOf == null) {
      rows = systems.stream().map(s -> new SystemRow(s, s.findings().open(), s.findings().waived(),
          s.controlsByStatus())).toList();
    } else {
      // a date means the end of that day in UTC: "compliant on 31 March" is how the day ended
      Map<String, SystemAsOf> then = reports.aiSystems(asOf.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
          .stream().collect(Collectors.toMap(SystemAsOf::id, Function.identity(), (a, b) -> a));
      rows = systems.stream().filter(s -> then.containsKey(s.id())).map(s -> {
        SystemAsOf past = then.get(s.id());
        return new SystemRow(s, past.openFindings(), past.waivedFindings(), past.controlsByStatus());
      }).toList();
    }
    model.addAttribute("systems", rows);
    model.addAttribute("asOf", asOf);
    return "ui/ai-systems";
  }

  /**
   * One system. Its id is a query parameter, not a path segment: ids are model names from the
   * source systems, which may hold {@code /} (Hugging Face's {@code org/model}) or other characters
   * a path cannot carry.
   */
  @GetMapping("/ai-systems/system")
  String system(@RequestParam String id, Model model) {
    AiSystem system = api.get(id); // NoSuchElementException: the error page says which id is unknown
    model.addAttribute("system", system);
    model.addAttribute("controls", system.controls().stream()
        .sorted(java.util.Comparator.comparingInt(c -> STATUS_ORDER.indexOf(c.status()) < 0 ? STATUS_ORDER.size()
            : STATUS_ORDER.indexOf(c.status())))
        .toList());
    return "ui/ai-system";
  }
}
