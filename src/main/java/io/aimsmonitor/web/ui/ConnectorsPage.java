package io.aimsmonitor.web.ui;

import io.aimsmonitor.schedule.Schedules;
import io.aimsmonitor.web.api.ConnectorsController;
import io.aimsmonitor.web.api.ConnectorsController.ConnectorView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.NoSuchElementException;
import org.quartz.SchedulerException;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Page 6, connectors: every instance with its last run (errors, pages read, rate-limit waits),
 * last success, freshness and the findings it holds stale, a page of recent runs per instance,
 * and run now for admins. Reads and acts through {@link ConnectorsController}, so a run started
 * here is queued, deduplicated, throttled and audited exactly as {@code POST /api/connectors/{id}/run}.
 */
@Controller
public class ConnectorsPage {

  /**
   * What a run-now request did, in words.
   *
   * @param kind {@code queued} (a run was queued), {@code deduplicated} (one was already waiting or
   *     running: no second run) or {@code refused} (too soon after the last request, disabled, no scheduler)
   */
  public record RunOutcome(String connector, String kind, String message) {}

  private final ConnectorsController api;

  public ConnectorsPage(ConnectorsController api) {
    this.api = api;
  }

  @GetMapping("/connectors")
  String list(Model model) {
    model.addAttribute("connectors", api.list());
    return "ui/connectors";
  }

  @GetMapping("/connectors/{id}")
  String connector(@PathVariable String id, Model model) {
    ConnectorView connector = api.list().stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no connector instance '" + id + "'"));
    model.addAttribute("connector", connector);
    model.addAttribute("runs", connector.type() == null ? java.util.List.of() : api.runs(id));
    return "ui/connector";
  }

  /**
   * Run now. From htmx (the button's {@code hx-post}, after the browser's confirmation) the answer
   * is the outcome alone, swapped in beside the button; from a plain form post, the connectors
   * page with the outcome on top.
   */
  @PostMapping("/connectors/{id}/run")
  String run(@PathVariable String id, Model model, HttpServletRequest request, RedirectAttributes redirect)
      throws SchedulerException {
    RunOutcome outcome = runNow(id);
    if ("true".equals(request.getHeader("HX-Request"))) {
      model.addAttribute("outcome", outcome);
      return "ui/connectors :: run-outcome";
    }
    redirect.addFlashAttribute(outcome.kind().equals("refused") ? "problem" : "notice", outcome.message());
    return "redirect:/connectors";
  }

  private RunOutcome runNow(String id) throws SchedulerException {
    try {
      ResponseEntity<Map<String, Object>> answer = api.run(id);
      String state = String.valueOf(answer.getBody().get("state"));
      return switch (state) {
        case "queued" -> new RunOutcome(id, "queued", "Run of " + id + " queued: it starts within seconds, and the"
            + " last run below shows its result when it has finished (reload the page).");
        case "already_running" -> new RunOutcome(id, "deduplicated", "No new run: a run of " + id
            + " is already running. Its result appears as the last run when it has finished.");
        case "already_queued" -> new RunOutcome(id, "deduplicated", "No new run: a run of " + id
            + " is already queued and starts within seconds.");
        default -> new RunOutcome(id, "deduplicated", "Run of " + id + ": " + state);
      };
    } catch (Schedules.RunNowTooSoon e) {
      long seconds = Math.max(1, e.retryAfter().toSeconds() + 1);
      return new RunOutcome(id, "refused", "Not run (429, too many requests): " + e.getMessage()
          + ". Try again in " + seconds + " s.");
    } catch (IllegalStateException e) {
      return new RunOutcome(id, "refused", "Not run: " + e.getMessage() + ".");
    }
  }
}
