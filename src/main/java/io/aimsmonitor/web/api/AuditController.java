package io.aimsmonitor.web.api;

import io.aimsmonitor.audit.AuditLog;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit log (admin), newest first. */
@RestController
@RequestMapping("/api/audit")
public class AuditController {

  private final AuditLog audit;
  private final JsonMapper json = JsonMapper.builder().build();

  public AuditController(AuditLog audit) {
    this.audit = audit;
  }

  /** One entry, with before and after as JSON (null when the thing did not exist). */
  public record EntryView(long id, Instant at, String actor, String action, String target, JsonNode before,
      JsonNode after, String clientAddress) {}

  public record AuditPage(List<EntryView> items, long total, int limit, int offset) {}

  /**
   * @param action an action ({@code user.create}) or a prefix ({@code user.*})
   * @param from entries at or after this instant; {@code to}: before it
   */
  @GetMapping
  public AuditPage list(@RequestParam(required = false) String action, @RequestParam(required = false) String actor,
      @RequestParam(required = false) String target, @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to, @RequestParam(defaultValue = "100") int limit,
      @RequestParam(defaultValue = "0") int offset) {
    AuditLog.Page page = audit.list(new AuditLog.Query(action, actor, target, from, to, limit, offset));
    return new AuditPage(page.items().stream().map(e -> new EntryView(e.id(), e.at(), e.actor(), e.action(),
        e.target(), e.before() == null ? null : json.readTree(e.before()),
        e.after() == null ? null : json.readTree(e.after()), e.clientAddress())).toList(),
        page.total(), page.limit(), page.offset());
  }
}
