package io.aimsmonitor.web.api;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingRepository.Query;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Findings: list with filters, and one finding with its workflow and history. Actions: {@link FindingActionsController}. */
@RestController
@RequestMapping("/api/findings")
public class FindingsController {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final int MAX_LIMIT = 1000;

  private final FindingRepository findings;
  private final ReviewService review;
  private final AiSystemInventory aiSystems;

  public FindingsController(FindingRepository findings, ReviewService review, AiSystemInventory aiSystems) {
    this.findings = findings;
    this.review = review;
    this.aiSystems = aiSystems;
  }

  /** A finding as listed: its fields, and beside them the review workflow (docs/review.md). */
  public record FindingItem(@JsonUnwrapped Finding finding, FindingWorkflow workflow) {}

  /** One page of findings and the total that match. */
  public record FindingPage(List<FindingItem> items, long total, int limit, int offset) {}

  /** A finding with its workflow and its full history, oldest event first. */
  public record FindingDetail(Finding finding, FindingWorkflow workflow, List<FindingEvent> history) {}

  /**
   * Lists findings, open first, most severe first.
   *
   * @param status {@code open} (no waiver covers it), {@code waived}, {@code resolved}; {@code stale}
   *     means open on stale evidence
   * @param severity minimum severity
   * @param control an ISO 42001 control or clause id, e.g. {@code A.6.2.4}
   * @param aiSystem an AI system id (see {@code /api/ai-systems}): findings about its subjects
   * @param assignee the person or team assigned
   */
  @GetMapping
  public FindingPage list(@RequestParam(required = false) String status,
      @RequestParam(required = false) String severity, @RequestParam(required = false) String control,
      @RequestParam(required = false) String rule, @RequestParam(required = false) String pack,
      @RequestParam(required = false) Boolean stale, @RequestParam(required = false) String aiSystem,
      @RequestParam(required = false) String assignee, @RequestParam(defaultValue = "100") int limit,
      @RequestParam(defaultValue = "0") int offset) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    FindingRepository.Page page = findings.list(query(status, severity, control, rule, pack, stale, aiSystem, assignee,
        limit, offset));
    Map<String, FindingWorkflow> workflows = review.workflows(page.items());
    return new FindingPage(page.items().stream().map(f -> new FindingItem(f, workflows.get(f.id()))).toList(),
        page.total(), limit, offset);
  }

  /** The filters of {@link #list} as a store query; also selects the findings of a bulk action. */
  Query query(String status, String severity, String control, String rule, String pack, Boolean stale,
      String aiSystem, String assignee, int limit, int offset) {
    Finding.Status statusFilter = null;
    Boolean staleFilter = stale;
    Boolean waived = null;
    if (status != null) {
      switch (status.toLowerCase(Locale.ROOT)) {
        case "open" -> {
          statusFilter = Finding.Status.OPEN;
          waived = false;
        }
        case "waived" -> {
          statusFilter = Finding.Status.OPEN;
          waived = true;
        }
        case "resolved" -> statusFilter = Finding.Status.RESOLVED;
        case "stale" -> {
          statusFilter = Finding.Status.OPEN;
          staleFilter = true;
          waived = false;
        }
        default -> throw new IllegalArgumentException("status must be open, waived, resolved or stale, got '" + status + "'");
      }
    }
    Severity min = severity == null ? null : Severity.parse(severity);
    Set<String> subjects = aiSystem == null ? null : aiSystems.subjectKeys(aiSystem);
    return new Query(statusFilter, staleFilter, min, control, rule, pack, limit, offset, waived, subjects, assignee);
  }

  @GetMapping("/{id}")
  public FindingDetail get(@PathVariable String id) {
    checkId(id);
    Finding finding = findings.get(id).orElseThrow(() -> new NoSuchElementException("no finding " + id));
    return new FindingDetail(finding, review.workflow(finding), findings.history(id));
  }

  static void checkId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a finding id is 32 lower-case hex digits");
    }
  }
}
