package io.aimsmonitor.web.api;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.rules.EvaluationLimits;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.schedule.RuleReloadAudit;
import io.aimsmonitor.schedule.Schedules;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.ShadowRepository;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Rule packs in force (live and shadow), rejected packs, and reload. */
@RestController
@RequestMapping("/api/rules")
public class RulesController {

  private final RuleBook ruleBook;
  private final EvaluationRepository evaluations;
  private final ObjectProvider<Schedules> schedules;
  private final AuditLog audit;
  private final ShadowRepository shadowResults;

  public RulesController(RuleBook ruleBook, EvaluationRepository evaluations, ObjectProvider<Schedules> schedules,
      AuditLog audit, ShadowRepository shadowResults) {
    this.shadowResults = shadowResults;
    this.ruleBook = ruleBook;
    this.evaluations = evaluations;
    this.schedules = schedules;
    this.audit = audit;
  }

  /** A rule as the API shows it. */
  public record RuleView(String id, String title, String severity, List<String> controls, String decides,
      String rationale, String remediation, List<String> euAiAct, List<String> nistAiRmf, List<String> factTypes) {
    static RuleView of(RuleDefinition r) {
      return new RuleView(r.id(), r.title(), r.severity().label(), r.controls(), r.decides(), r.rationale(),
          r.remediation(), r.euAiAct(), r.nistAiRmf(), r.factTypes().stream().map(Class::getSimpleName).sorted().toList());
    }
  }

  /**
   * A pack as the API shows it.
   *
   * @param limits the pack's evaluation budget
   * @param evaluation {@code ok} or {@code failed} (the last evaluation cycle), {@code quarantined}
   *     (this version's evaluation could not be stopped once: it is not run until it changes), or
   *     null before the first evaluation
   * @param lastFailure the pack's latest failure (guard, rule, message), shown while it is failed
   * @param shadow a shadow pack: evaluated and reported at /api/rules/shadow, never creates findings
   */
  public record PackView(String name, String version, String contentHash, String description, boolean shadow,
      Map<String, Object> parameters, LimitsView limits, String evaluation, EvaluationRepository.PackFailure lastFailure,
      List<RuleView> rules) {
    static PackView of(RulePack p, String evaluation, EvaluationRepository.PackFailure lastFailure) {
      return new PackView(p.name(), p.version(), p.contentHash(), p.description(), p.shadow(), p.parameterValues(),
          LimitsView.of(p.limits()), evaluation, lastFailure, p.rules().stream().map(RuleView::of).toList());
    }
  }

  /** A pack's evaluation budget, durations as ISO-8601. */
  public record LimitsView(String timeout, long maxFirings, long maxInsertedFacts) {
    static LimitsView of(EvaluationLimits l) {
      return new LimitsView(l.timeout().toString(), l.maxFirings(), l.maxInsertedFacts());
    }
  }

  public record RulesView(List<PackView> packs, Collection<RuleBook.Rejection> rejected) {}

  @GetMapping
  public RulesView list() {
    var latest = evaluations.latest();
    List<String> failed = latest.map(EvaluationRepository.EvaluationRun::failedPacks).orElse(List.of());
    Map<String, EvaluationRepository.PackFailure> failures = failed.isEmpty() ? Map.of() : evaluations.latestFailures();
    Set<String> quarantined = evaluations.quarantined();
    List<PackView> packs = new java.util.ArrayList<>(ruleBook.packs().stream().map(p -> {
      boolean isFailed = failed.contains(p.name());
      String status = quarantined.contains(p.contentHash()) ? "quarantined"
          : latest.isEmpty() ? null : isFailed ? "failed" : "ok";
      return PackView.of(p, status, isFailed ? failures.get(p.name()) : null);
    }).toList());
    // shadow packs: their status is their own latest shadow evaluation (details at /api/rules/shadow)
    List<RulePack> shadows = ruleBook.shadowPacks();
    Map<String, ShadowRepository.PackCount> shadowCounts = new java.util.HashMap<>();
    shadowResults.latestCounts(shadows.stream().map(RulePack::name).toList()).forEach(c -> shadowCounts.put(c.pack(), c));
    for (RulePack p : shadows) {
      ShadowRepository.PackCount count = shadowCounts.get(p.name());
      packs.add(PackView.of(p, quarantined.contains(p.contentHash()) ? "quarantined"
          : count == null ? null : count.failed() ? "failed" : "ok", null));
    }
    packs.sort(java.util.Comparator.comparing(PackView::name));
    return new RulesView(packs, ruleBook.rejected().values());
  }

  /** Reloads now; 200 when every pack loaded, 422 with the compiler messages when one was rejected. */
  @PostMapping("/reload")
  public ResponseEntity<RuleBook.ReloadReport> reload() {
    Schedules s = schedules.getIfAvailable();
    // with the scheduler, through it (it also re-evaluates); both paths are audited the same way
    RuleBook.ReloadReport report = s != null ? s.reloadRules()
        : RuleReloadAudit.reload(ruleBook, ruleBook::reload, audit, AuditLog.currentActor());
    return ResponseEntity.status(report.rejected().isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_CONTENT).body(report);
  }
}
