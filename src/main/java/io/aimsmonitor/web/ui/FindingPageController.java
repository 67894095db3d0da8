package io.aimsmonitor.web.ui;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.web.api.FindingActionsController;
import io.aimsmonitor.web.api.FindingsController;
import io.aimsmonitor.web.api.FindingsController.FindingDetail;
import io.aimsmonitor.web.api.WaiversController;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Page 3, one finding: its sentence, the rule's rationale and remediation, the evidence with deep
 * links into the source systems, the controls with their crosswalk, the whole history as a
 * timeline, and the actions the user's role allows. Actions go through the API's controllers, so
 * the UI validates, records history and writes the audit log exactly as the API does; each one
 * comes back to this page saying what it did.
 */
@Controller
public class FindingPageController {

  private final FindingsController api;
  private final FindingActionsController actions;
  private final WaiversController waivers;
  private final ReviewService review;
  private final RuleBook ruleBook;
  private final ControlCatalog catalog;
  private final Clock clock;

  public FindingPageController(FindingsController api, FindingActionsController actions, WaiversController waivers,
      ReviewService review, RuleBook ruleBook, ControlCatalog catalog, Clock clock) {
    this.api = api;
    this.actions = actions;
    this.waivers = waivers;
    this.review = review;
    this.ruleBook = ruleBook;
    this.catalog = catalog;
    this.clock = clock;
  }

  /** A control the finding cites, with its title and its crosswalk to the EU AI Act and NIST AI RMF. */
  public record ControlLine(String id, String title, String crosswalk) {}

  /** One line of evidence: a name, its value as text, and a link when the value is a web address. */
  public record EvidenceItem(String name, String value, String link) {}

  @GetMapping("/findings/{id}")
  String finding(@PathVariable String id, Model model) {
    FindingDetail detail = api.get(id);
    Finding f = detail.finding();
    Instant now = clock.instant();
    model.addAttribute("f", f);
    model.addAttribute("w", detail.workflow());
    List<FindingEvent> history = new ArrayList<>(detail.history());
    java.util.Collections.reverse(history); // newest first: what happened last is what people look for
    model.addAttribute("history", history);
    model.addAttribute("rule", ruleBook.rule(f.ruleId()).orElse(null));
    model.addAttribute("controls", f.controls().stream().map(c -> catalog.find(c)
        .map(control -> new ControlLine(control.id(), control.title(), crosswalk(control)))
        .orElse(new ControlLine(c, "(not in the catalogue)", ""))).toList());
    model.addAttribute("source", f.evidence().get("source") instanceof String s ? s : f.subject().key().split(":")[0]);
    model.addAttribute("evidence", evidence(f.evidence()));
    model.addAttribute("subjectLink", safeLink(f.subject().url()));
    List<Waiver> pending = review.waivers().stream()
        .filter(w -> w.state(now) == Waiver.State.PENDING && w.covers(f.id(), f.ruleId(), f.subject().key())).toList();
    model.addAttribute("pending", pending);
    model.addAttribute("fourEyes", review.properties().fourEyes());
    model.addAttribute("minJustification", review.properties().minJustificationLength());
    model.addAttribute("today", java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC));
    return "ui/finding";
  }

  @PostMapping("/findings/{id}/acknowledge")
  String acknowledge(@PathVariable String id, @RequestParam(required = false) String note, Principal principal,
      RedirectAttributes redirect) {
    return act(id, redirect, () -> {
      actions.acknowledge(id, new FindingActionsController.AcknowledgeBody(FindingsPageController.blankToNull(note)),
          principal);
      return "Acknowledged.";
    });
  }

  @PostMapping("/findings/{id}/assign")
  String assign(@PathVariable String id, @RequestParam(required = false) String assignee, Principal principal,
      RedirectAttributes redirect) {
    String who = FindingsPageController.blankToNull(assignee);
    return act(id, redirect, () -> {
      actions.assign(id, new FindingActionsController.AssignBody(who), principal);
      return who == null ? "Assigned back to the subject's owner." : "Assigned to " + who + ".";
    });
  }

  @PostMapping("/findings/{id}/comment")
  String comment(@PathVariable String id, @RequestParam String text, Principal principal,
      RedirectAttributes redirect) {
    return act(id, redirect, () -> {
      actions.comment(id, new FindingActionsController.CommentBody(text), principal);
      return "Comment added.";
    });
  }

  @PostMapping("/findings/{id}/due-date")
  String dueDate(@PathVariable String id, @RequestParam(required = false) String dueOn, Principal principal,
      RedirectAttributes redirect) {
    return act(id, redirect, () -> {
      Instant due = FindingsPageController.blankToNull(dueOn) == null ? null
          : FindingsPageController.dayStart("due", dueOn);
      actions.dueDate(id, new FindingActionsController.DueDateBody(due), principal);
      return due == null ? "Due date reset to the default for its severity." : "Due on " + dueOn.trim() + ".";
    });
  }

  @PostMapping("/findings/{id}/waive")
  String waive(@PathVariable String id, @RequestParam(defaultValue = "") String justification,
      @RequestParam(required = false) String expiresOn, Principal principal, RedirectAttributes redirect) {
    return act(id, redirect, () -> {
      Waiver w = actions.waive(id, new FindingActionsController.WaiveBody(justification,
          FindingsPageController.dayStart("expiry", expiresOn)), principal);
      return w.approvedAt() != null ? "Waived until " + expiresOn.trim() + " (waiver " + w.id() + ")."
          : "Waiver " + w.id() + " requested: it is in force once another reviewer approves it.";
    });
  }

  @PostMapping("/findings/{id}/waivers/{waiverId}/approve")
  String approve(@PathVariable String id, @PathVariable String waiverId, Principal principal,
      RedirectAttributes redirect) {
    return act(id, redirect, () -> {
      waivers.approve(waiverId, principal);
      return "Waiver " + waiverId + " approved: the finding is waived.";
    });
  }

  /** Runs an action and comes back to the finding saying what it did, or why nothing changed. */
  private String act(String id, RedirectAttributes redirect, Supplier<String> action) {
    api.get(id); // an unknown or malformed id is an error page, not a redirect loop
    try {
      redirect.addFlashAttribute("notice", action.get());
    } catch (IllegalArgumentException | IllegalStateException | NoSuchElementException
             | io.aimsmonitor.review.ForbiddenActionException e) {
      redirect.addFlashAttribute("problem", "Nothing was changed: " + e.getMessage());
    }
    return "redirect:/findings/" + id;
  }

  /** The evidence as lines of text; nested values are printed, web addresses become links. */
  static List<EvidenceItem> evidence(Map<String, Object> evidence) {
    List<EvidenceItem> out = new ArrayList<>();
    evidence.forEach((k, v) -> {
      String text = v instanceof Collection<?> c ? String.join(", ", c.stream().map(String::valueOf).toList())
          : String.valueOf(v);
      out.add(new EvidenceItem(k, text, v instanceof String s ? safeLink(s) : null));
    });
    return out;
  }

  /**
   * A link only for http and https addresses: a source system could record {@code javascript:}
   * or {@code data:} addresses, which must never become a clickable link.
   */
  static String safeLink(String url) {
    if (url == null) {
      return null;
    }
    String u = url.trim();
    String lower = u.toLowerCase(java.util.Locale.ROOT);
    return (lower.startsWith("https://") || lower.startsWith("http://")) && !u.contains(" ") ? u : null;
  }

  static String crosswalk(Control c) {
    List<String> parts = new ArrayList<>();
    if (!c.euAiAct().isEmpty()) {
      parts.add("EU AI Act " + String.join(", ", c.euAiAct()));
    }
    if (!c.nistAiRmf().isEmpty()) {
      parts.add("NIST AI RMF " + String.join(", ", c.nistAiRmf()));
    }
    return String.join(" · ", parts);
  }
}
