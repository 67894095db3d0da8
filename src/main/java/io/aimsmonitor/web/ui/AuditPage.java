package io.aimsmonitor.web.ui;

import io.aimsmonitor.web.api.AuditController;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Page 8a, the audit log (admin): the filters and paging of {@code GET /api/audit} (action or
 * {@code prefix.*}, actor, target, from, to, limit, offset), read through {@link AuditController}.
 * The filter form is a GET, so a filtered view is a URL.
 */
@Controller
public class AuditPage {

  static final int PAGE_SIZE = 50;

  private final AuditController api;

  public AuditPage(AuditController api) {
    this.api = api;
  }

  /** The filters as the form shows them (blank for none). */
  public record Filters(String action, String actor, String target, String from, String to) {}

  @GetMapping("/audit")
  String list(@RequestParam(required = false) String action, @RequestParam(required = false) String actor,
      @RequestParam(required = false) String target, @RequestParam(required = false) String from,
      @RequestParam(required = false) String to, @RequestParam(defaultValue = "" + PAGE_SIZE) int limit,
      @RequestParam(defaultValue = "0") int offset, Model model) {
    AuditController.AuditPage page = api.list(ControlsPage.blankToNull(action), ControlsPage.blankToNull(actor),
        ControlsPage.blankToNull(target), time("from", from), time("to", to), limit, offset);
    model.addAttribute("page", page);
    model.addAttribute("filters", new Filters(nz(action), nz(actor), nz(target), nz(from), nz(to)));
    model.addAttribute("previous", offset > 0 ? link(action, actor, target, from, to, limit, Math.max(0, offset - limit)) : null);
    model.addAttribute("next", offset + page.items().size() < page.total()
        ? link(action, actor, target, from, to, limit, offset + limit) : null);
    return "ui/audit";
  }

  /** An ISO-8601 instant, or a date meaning its start (UTC), as the API's filter takes. */
  static Instant time(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date (2026-12-01) or an instant (2026-12-01T10:00:00Z),"
          + " got '" + value + "'");
    }
  }

  private static String link(String action, String actor, String target, String from, String to, int limit,
      int offset) {
    UriComponentsBuilder b = UriComponentsBuilder.fromPath("/audit");
    param(b, "action", action);
    param(b, "actor", actor);
    param(b, "target", target);
    param(b, "from", from);
    param(b, "to", to);
    if (limit != PAGE_SIZE) {
      b.queryParam("limit", limit);
    }
    return b.queryParam("offset", offset).encode().build().toUriString();
  }

  private static void param(UriComponentsBuilder b, String name, String value) {
    if (value != null && !value.isBlank()) {
      b.queryParam(name, value);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
