package io.aimsmonitor.web.api;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingRepository.Query;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Findings: list with filters, and one finding with its history. */
@RestController
@RequestMapping("/api/findings")
public class FindingsController {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final int MAX_LIMIT = 1000;

  private final FindingRepository findings;

  public FindingsController(FindingRepository findings) {
    this.findings = findings;
  }

  /** One page of findings and the total that match. */
  public record FindingPage(List<Finding> items, long total, int limit, int offset) {}

  /** A finding with its full history, oldest event first. */
  public record FindingDetail(Finding finding, List<FindingEvent> history) {}

  /**
   * Lists findings, open first, most severe first.
   *
   * @param status {@code open} or {@code resolved}; {@code stale} means open on stale evidence
   * @param severity minimum severity
   * @param control an ISO 42001 control or clause id, e.g. {@code A.6.2.4}
   */
  @GetMapping
  public FindingPage list(@RequestParam(required = false) String status,
      @RequestParam(required = false) String severity, @RequestParam(required = false) String control,
      @RequestParam(required = false) String rule, @RequestParam(required = false) String pack,
      @RequestParam(required = false) Boolean stale, @RequestParam(defaultValue = "100") int limit,
      @RequestParam(defaultValue = "0") int offset) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    Finding.Status statusFilter = null;
    Boolean staleFilter = stale;
    if (status != null) {
      switch (status.toLowerCase(Locale.ROOT)) {
        case "open" -> statusFilter = Finding.Status.OPEN;
        case "resolved" -> statusFilter = Finding.Status.RESOLVED;
        case "stale" -> {
          statusFilter = Finding.Status.OPEN;
          staleFilter = true;
        }
        default -> throw new IllegalArgumentException("status must be open, resolved or stale, got '" + status + "'");
      }
    }
    Severity min = severity == null ? null : Severity.parse(severity);
    FindingRepository.Page page = findings.list(new Query(statusFilter, staleFilter, min, control, rule, pack, limit, offset));
    return new FindingPage(page.items(), page.total(), limit, offset);
  }

  @GetMapping("/{id}")
  public FindingDetail get(@PathVariable String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a finding id is 32 lower-case hex digits");
    }
    Finding finding = findings.get(id).orElseThrow(() -> new NoSuchElementException("no finding " + id));
    return new FindingDetail(finding, findings.history(id));
  }
}
