package io.aimsmonitor.web.api;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.review.ReviewService.BulkAction;
import io.aimsmonitor.review.ReviewService.BulkResult;
import io.aimsmonitor.review.WaiverRequest;
import io.aimsmonitor.store.FindingRepository;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The review workflow on findings (docs/review.md): acknowledge, assign, comment, due date, waive,
 * and the same over a filtered set. Each action is a finding event with the acting person.
 */
@RestController
@RequestMapping("/api/findings")
public class FindingActionsController {

  private final ReviewService review;
  private final FindingRepository findings;
  private final FindingsController filters;
  private final AuditLog audit;

  public FindingActionsController(ReviewService review, FindingRepository findings, FindingsController filters,
      AuditLog audit) {
    this.review = review;
    this.findings = findings;
    this.filters = filters;
    this.audit = audit;
  }

  /** The workflow of a finding before an action, for the audit log's before/after. */
  private FindingWorkflow before(String id) {
    return findings.get(id).map(review::workflow).orElse(null);
  }

  private <T> T audited(String action, String id, FindingWorkflow before, T after) {
    audit.record(action, id, before, after);
    return after;
  }

  public record AcknowledgeBody(String note) {}

  public record AssignBody(String assignee) {}

  public record CommentBody(String text) {}

  public record DueDateBody(Instant dueAt) {}

  public record WaiveBody(String justification, Instant expiresAt) {}

  @PostMapping("/{id}/acknowledge")
  public FindingWorkflow acknowledge(@PathVariable String id, @RequestBody(required = false) AcknowledgeBody body,
      Principal principal) {
    FindingsController.checkId(id);
    return audited("finding.acknowledge", id, before(id),
        review.acknowledge(id, Actors.of(principal), body == null ? null : body.note()));
  }

  /** {@code {"assignee": null}} resets the assignment to the default, the subject's owner. */
  @PostMapping("/{id}/assign")
  public FindingWorkflow assign(@PathVariable String id, @RequestBody AssignBody body, Principal principal) {
    FindingsController.checkId(id);
    return audited("finding.assign", id, before(id), review.assign(id, body.assignee(), Actors.of(principal)));
  }

  @PostMapping("/{id}/comments")
  @ResponseStatus(HttpStatus.CREATED)
  public FindingWorkflow comment(@PathVariable String id, @RequestBody CommentBody body, Principal principal) {
    FindingsController.checkId(id);
    return audited("finding.comment", id, before(id), review.comment(id, body.text(), Actors.of(principal)));
  }

  /** {@code {"dueAt": null}} resets the due date to the default for the finding's severity. */
  @PostMapping("/{id}/due-date")
  public FindingWorkflow dueDate(@PathVariable String id, @RequestBody DueDateBody body, Principal principal) {
    FindingsController.checkId(id);
    return audited("finding.due-date", id, before(id), review.setDue(id, body.dueAt(), Actors.of(principal)));
  }

  /** Waives this one finding; see {@code /api/waivers} for rule-wide waivers and approval. */
  @PostMapping("/{id}/waive")
  @ResponseStatus(HttpStatus.CREATED)
  public Waiver waive(@PathVariable String id, @RequestBody WaiveBody body, Principal principal) {
    FindingsController.checkId(id);
    return audited("waiver.request", id, before(id), review.requestWaiver(
        WaiverRequest.forFinding(id, body.justification(), body.expiresAt()), Actors.of(principal)));
  }

  /**
   * The filters of {@code GET /api/findings}, or explicit ids, selecting the findings of a bulk action.
   */
  private static void put(org.springframework.util.MultiValueMap<String, String> query, String name, String value) {
    if (value != null) {
      query.add(name, value);
    }
  }

  public record BulkFilter(List<String> ids, String status, String severity, String control, String rule, String pack,
      Boolean stale, String aiSystem, String assignee) {}

  /**
   * @param action {@code acknowledge}, {@code assign} or {@code waive}
   * @param assignee for assign (null: back to each subject's owner)
   * @param note for acknowledge
   * @param justification for waive: one justification, one waiver per finding
   */
  public record BulkBody(BulkFilter filter, String action, String assignee, String note, String justification,
      Instant expiresAt) {}

  @PostMapping("/bulk")
  public BulkResult bulk(@RequestBody BulkBody body, Principal principal) {
    if (body.filter() == null) {
      throw new IllegalArgumentException("filter is required: the filters of GET /api/findings, or ids");
    }
    if (body.action() == null) {
      throw new IllegalArgumentException("action is required: acknowledge, assign or waive");
    }
    BulkAction action;
    try {
      action = BulkAction.valueOf(body.action().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("action must be acknowledge, assign or waive, got '" + body.action() + "'");
    }
    BulkFilter f = body.filter();
    int cap = review.properties().maxBulk();
    List<Finding> selected = new ArrayList<>();
    if (f.ids() != null && !f.ids().isEmpty()) {
      if (f.ids().size() > cap) {
        throw new IllegalArgumentException(f.ids().size() + " ids, more than the " + cap
            + " one bulk action may change (aims.review.max-bulk)");
      }
      for (String id : f.ids()) {
        FindingsController.checkId(id);
        selected.add(findings.get(id).orElseThrow(() -> new NoSuchElementException("no finding " + id)));
      }
    } else {
      // the filters of GET /api/findings, the same table; a too broad filter is refused rather than cut short
      org.springframework.util.LinkedMultiValueMap<String, String> query = new org.springframework.util.LinkedMultiValueMap<>();
      put(query, "status", f.status());
      put(query, "severity", f.severity());
      put(query, "control", f.control());
      put(query, "rule", f.rule());
      put(query, "pack", f.pack());
      put(query, "stale", f.stale() == null ? null : f.stale().toString());
      put(query, "aiSystem", f.aiSystem());
      put(query, "assignee", f.assignee());
      io.aimsmonitor.store.FindingFilter filter = filters.filter(query, java.util.Set.of());
      long total = findings.count(filter);
      if (total > cap) {
        throw new IllegalArgumentException("the filter selects " + total + " findings, more than the " + cap
            + " one bulk action may change (aims.review.max-bulk); narrow it");
      }
      findings.forEach(filter, io.aimsmonitor.store.FindingSort.DEFAULT, cap + 1, selected::add);
    }
    String value = switch (action) {
      case ACKNOWLEDGE -> body.note();
      case ASSIGN -> body.assignee();
      case WAIVE -> body.justification();
    };
    BulkResult result = review.bulk(selected, action, value, body.expiresAt(), Actors.of(principal));
    audit.record("finding.bulk-" + action.name().toLowerCase(java.util.Locale.ROOT),
        result.findings().size() + " findings", java.util.Map.of("findings", result.findings()), result);
    return result;
  }
}
