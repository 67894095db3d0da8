package io.aimsmonitor.web.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.review.WaiverRequest;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Waivers: accepted risks with an expiry, for one finding or a rule over a subject pattern (docs/review.md). */
@RestController
@RequestMapping("/api/waivers")
public class WaiversController {

  private static final Pattern ID = Pattern.compile("W-[0-9a-f]{12}|file:[A-Za-z0-9._-]{1,50}");

  private final ReviewService review;
  private final Clock clock;
  private final AuditLog audit;

  public WaiversController(ReviewService review, Clock clock, AuditLog audit) {
    this.review = review;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * A waiver as the API shows it.
   *
   * @param state {@code pending} (awaiting a second reviewer), {@code active}, {@code expired} or {@code revoked}
   * @param expiringSoon active and ending within {@code aims.review.expiring-soon}
   * @param coveredFindings open findings it covers as of the last evaluation or waiver action
   * @param origin {@code api} or {@code file} (the waivers file: change it there)
   */
  public record WaiverView(@JsonUnwrapped Waiver waiver, String state, boolean expiringSoon, long coveredFindings, String origin) {}

  public record NewWaiver(String findingId, String ruleId, String subjectPattern, String justification,
      Instant expiresAt) {}

  public record RevokeBody(String reason) {}

  /** @param state only waivers in this state */
  @GetMapping
  public List<WaiverView> list(@RequestParam(required = false) String state) {
    if (state != null && !List.of("pending", "active", "expired", "revoked").contains(state.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("state must be pending, active, expired or revoked, got '" + state + "'");
    }
    Map<String, Long> covered = review.coveredFindings();
    return review.waivers().stream().map(w -> view(w, covered))
        .filter(v -> state == null || v.state().equalsIgnoreCase(state)).toList();
  }

  @GetMapping("/{id}")
  public WaiverView get(@PathVariable String id) {
    return view(review.waiver(checked(id)), review.coveredFindings());
  }

  /** Requests a waiver; in force at once, or (four-eyes mode) once another reviewer approves it. */
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public WaiverView create(@RequestBody NewWaiver body, Principal principal) {
    if (body.findingId() != null) {
      FindingsController.checkId(body.findingId());
    }
    Waiver w = review.requestWaiver(new WaiverRequest(body.findingId(), body.ruleId(), body.subjectPattern(),
        body.justification(), body.expiresAt()), Actors.of(principal));
    audit.record("waiver.request", w.id(), null, w);
    return view(w, review.coveredFindings());
  }

  @PostMapping("/{id}/approve")
  public WaiverView approve(@PathVariable String id, Principal principal) {
    Waiver before = review.waiver(checked(id));
    Waiver after = review.approve(id, Actors.of(principal));
    audit.record("waiver.approve", id, before, after);
    return view(after, review.coveredFindings());
  }

  @PostMapping("/{id}/revoke")
  public WaiverView revoke(@PathVariable String id, @RequestBody RevokeBody body, Principal principal) {
    Waiver before = review.waiver(checked(id));
    Waiver after = review.revoke(id, body.reason(), Actors.of(principal));
    audit.record("waiver.revoke", id, before, after);
    return view(after, review.coveredFindings());
  }

  private WaiverView view(Waiver w, Map<String, Long> covered) {
    Instant now = clock.instant();
    Waiver.State state = w.state(now);
    boolean soon = state == Waiver.State.ACTIVE && w.expiresAt().isBefore(now.plus(review.properties().expiringSoon()));
    return new WaiverView(w, state.label(), soon, covered.getOrDefault(w.id(), 0L),
        w.id().startsWith("file:") ? "file" : "api");
  }

  private static String checked(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a waiver id is W- and 12 lower-case hex digits, or file:<id>");
    }
    return id;
  }
}
