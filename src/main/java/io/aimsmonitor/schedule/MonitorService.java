package io.aimsmonitor.schedule;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.Evaluator.PackResult;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.EvaluationRepository.EvaluationRun;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.store.SnapshotRepository.ConnectorState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-way flow, as two operations the scheduler (and {@code scan}) call: collect one
 * connector instance into a stored snapshot, and evaluate every rule pack over the latest good
 * snapshot of every source, reconciling the violations into findings.
 */
public class MonitorService {

  private static final Logger log = LoggerFactory.getLogger(MonitorService.class);

  /** What one evaluation did. */
  public record EvaluationOutcome(EvaluationRun run, Set<String> staleRules, Map<String, Long> snapshots) {}

  private final ConnectorInstances connectors;
  private final CollectionRunner runner;
  private final SnapshotRepository snapshots;
  private final RuleBook ruleBook;
  private final Evaluator evaluator;
  private final Reconciler reconciler;
  private final FindingRepository findings;
  private final EvaluationRepository evaluations;
  private final UnaryOperator<List<Fact>> scope;
  private final Clock clock;

  public MonitorService(ConnectorInstances connectors, CollectionRunner runner, SnapshotRepository snapshots,
      RuleBook ruleBook, Evaluator evaluator, Reconciler reconciler, FindingRepository findings,
      EvaluationRepository evaluations, UnaryOperator<List<Fact>> scope, Clock clock) {
    this.connectors = connectors;
    this.runner = runner;
    this.snapshots = snapshots;
    this.ruleBook = ruleBook;
    this.evaluator = evaluator;
    this.reconciler = reconciler;
    this.findings = findings;
    this.evaluations = evaluations;
    this.scope = scope;
    this.clock = clock;
  }

  public ConnectorInstances connectors() {
    return connectors;
  }

  /** Runs one instance and stores the run; on failure the previous good snapshot stays in force. */
  public CollectionResult collect(String connectorId, BooleanSupplier stop) {
    ConnectorConfig config = connectors.find(connectorId)
        .orElseThrow(() -> new IllegalArgumentException("no connector instance '" + connectorId + "'"));
    Optional<FactSnapshot> previous = snapshots.latestGood(connectorId);
    boolean fullRefresh = previous.isEmpty()
        || previous.get().finishedAt().plus(config.fullRefreshEvery()).isBefore(clock.instant());
    CollectionResult result = runner.run(config, previous.map(FactSnapshot::facts).orElse(List.of()), fullRefresh, stop);
    snapshots.record(result, config.type());
    return result;
  }

  /** Evaluates all packs in force over the latest good facts and stores the reconciled findings. */
  public synchronized EvaluationOutcome evaluate() {
    Instant started = clock.instant();
    List<ConnectorConfig> enabled = connectors.enabled();
    Map<String, FactSnapshot> latest = snapshots.latestGood(enabled.stream().map(ConnectorConfig::id).toList());
    Map<String, SourceHealth> health = health(enabled, snapshots.states(), started);
    List<Fact> facts = new ArrayList<>();
    latest.values().forEach(s -> facts.addAll(s.facts()));
    List<Fact> inScope = new ArrayList<>(scope.apply(facts));
    inScope.addAll(health.values());

    List<RulePack> packs = ruleBook.packs();
    evaluator.quarantine(evaluations.quarantined()); // a pack that ran away on any replica, or before a restart
    List<PackResult> results = evaluator.evaluate(packs, inScope, started);
    Map<String, RuleDefinition> evaluated = new LinkedHashMap<>();
    List<Violation> violations = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<EvaluationRepository.PackFailure> packFailures = new ArrayList<>();
    for (PackResult r : results) {
      if (r.succeeded()) {
        r.pack().rules().forEach(rule -> evaluated.put(rule.id(), rule));
        violations.addAll(r.violations());
      } else {
        failed.add(r.pack().name());
        var trip = r.trip();
        packFailures.add(new EvaluationRepository.PackFailure(r.pack().name(), r.pack().contentHash(), started,
            trip == null ? null : trip.guard(), trip == null ? null : trip.rule(), trip != null && trip.runaway(), r.error()));
      }
    }
    evaluations.recordFailures(packFailures);
    Set<String> stale = staleRules(evaluated.values(), enabled, health);
    Map<String, Long> snapshotIds = new HashMap<>();
    latest.forEach((id, s) -> snapshotIds.put(id, s.runId()));
    Set<String> ids = new HashSet<>();
    violations.forEach(v -> ids.add(Finding.idOf(v.ruleId(), v.subject().key())));
    Reconciler.Result result = reconciler.reconcile(new Reconciler.Input(findings.forReconcile(ids), violations,
        evaluated, ruleBook.rules().keySet(), stale, snapshotIds, started));
    findings.apply(result);
    EvaluationRun run = new EvaluationRun(started, clock.instant(), packs.size(), inScope.size(), violations.size(),
        (int) result.count(FindingEvent.Type.OPENED), (int) result.count(FindingEvent.Type.RESOLVED),
        (int) result.count(FindingEvent.Type.REOPENED), failed);
    evaluations.record(run);
    log.info("evaluation: {} packs over {} facts: {} violations; {} opened, {} resolved, {} reopened{}{}",
        packs.size(), inScope.size(), violations.size(), run.opened(), run.resolved(), run.reopened(),
        stale.isEmpty() ? "" : "; " + stale.size() + " rules on stale evidence",
        failed.isEmpty() ? "" : "; FAILED packs: " + failed);
    logSummary();
    return new EvaluationOutcome(run, stale, snapshotIds);
  }

  /** One line people can read in the log: how many findings are open, by severity. */
  private void logSummary() {
    Map<String, Long> bySeverity = new java.util.TreeMap<>(java.util.Comparator.comparing(
        (String s) -> io.aimsmonitor.rules.Severity.valueOf(s)).reversed());
    for (Map<String, Object> row : findings.openByRule()) {
      bySeverity.merge(String.valueOf(row.get("severity")), ((Number) row.get("n")).longValue(), Long::sum);
    }
    long total = bySeverity.values().stream().mapToLong(Long::longValue).sum();
    String parts = String.join(", ", bySeverity.entrySet().stream()
        .map(e -> e.getKey().toLowerCase(java.util.Locale.ROOT) + " " + e.getValue()).toList());
    log.info("open findings: {}{} - /api/findings?status=open", total, total == 0 ? "" : " (" + parts + ")");
  }

  /** Rules in force that read a fact type some failed or overdue source provides. */
  public Set<String> staleRules() {
    Instant now = clock.instant();
    List<ConnectorConfig> enabled = connectors.enabled();
    return staleRules(ruleBook.rules().values(), enabled, health(enabled, snapshots.states(), now));
  }

  private Set<String> staleRules(Iterable<RuleDefinition> rules, List<ConnectorConfig> enabled,
      Map<String, SourceHealth> health) {
    Set<Class<? extends Fact>> staleTypes = new HashSet<>();
    for (ConnectorConfig config : enabled) {
      if (!health.get(config.id()).fresh()) {
        staleTypes.addAll(connectors.provides(config));
      }
    }
    Set<String> stale = new HashSet<>();
    for (RuleDefinition rule : rules) {
      if (rule.factTypes().stream().anyMatch(staleTypes::contains)) {
        stale.add(rule.id());
      }
    }
    return stale;
  }

  /**
   * Freshness of each enabled source: fresh when its last run succeeded and ended within twice
   * its scheduled interval.
   */
  static Map<String, SourceHealth> health(List<ConnectorConfig> enabled, Map<String, ConnectorState> states, Instant now) {
    Map<String, SourceHealth> out = new LinkedHashMap<>();
    for (ConnectorConfig config : enabled) {
      ConnectorState state = states.get(config.id());
      var lastRun = state == null ? Optional.<SnapshotRepository.RunSummary>empty() : state.lastRun();
      var lastOk = state == null ? Optional.<SnapshotRepository.RunSummary>empty() : state.lastSuccess();
      boolean lastFailed = lastRun.map(r -> !r.succeeded()).orElse(false);
      Instant lastSuccessAt = lastOk.map(SnapshotRepository.RunSummary::finishedAt).orElse(null);
      boolean fresh = !lastFailed && lastSuccessAt != null
          && !lastSuccessAt.plus(config.expectedInterval().multipliedBy(2)).isBefore(now);
      out.put(config.id(), new SourceHealth(config.id(), null, now, config.type(), lastSuccessAt, lastFailed,
          lastRun.filter(r -> !r.succeeded()).map(SnapshotRepository.RunSummary::error).orElse(null),
          config.expectedInterval(), fresh));
    }
    return out;
  }
}
