package io.aimsmonitor.schedule;

import io.aimsmonitor.config.PausePoints;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.ReconciliationSink;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.Evaluator.PackResult;
import io.aimsmonitor.rules.FactOrigins;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.store.EvaluationRecords;
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

  /**
   * What one evaluation did.
   *
   * @param evaluationId the stored run's id: what {@code replay} takes
   */
  public record EvaluationOutcome(EvaluationRun run, Set<String> staleRules, Map<String, Long> snapshots,
      long evaluationId) {}

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
  private final ReconciliationSink sink;
  /** Evaluates the shadow packs over the same facts: reported only, never reconciled (ShadowMode). */
  private final java.util.function.BiConsumer<List<Fact>, Instant> shadow;

  public MonitorService(ConnectorInstances connectors, CollectionRunner runner, SnapshotRepository snapshots,
      RuleBook ruleBook, Evaluator evaluator, Reconciler reconciler, FindingRepository findings,
      EvaluationRepository evaluations, UnaryOperator<List<Fact>> scope, Clock clock) {
    this(connectors, runner, snapshots, ruleBook, evaluator, reconciler, findings, evaluations, scope, clock,
        (result, facts, changed) -> findings.apply(result), (facts, at) -> { });
  }

  /**
   * @param sink stores each reconciliation: the review workflow's, which also applies waivers
   * @param shadow evaluates the shadow packs over each evaluation's facts ({@code ShadowMode::evaluate})
   */
  public MonitorService(ConnectorInstances connectors, CollectionRunner runner, SnapshotRepository snapshots,
      RuleBook ruleBook, Evaluator evaluator, Reconciler reconciler, FindingRepository findings,
      EvaluationRepository evaluations, UnaryOperator<List<Fact>> scope, Clock clock, ReconciliationSink sink,
      java.util.function.BiConsumer<List<Fact>, Instant> shadow) {
    this.sink = sink;
    this.shadow = shadow;
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
    PausePoints.reach(PausePoints.COLLECT);
    String suspicious = result.succeeded() && previous.isPresent()
        ? suspiciousDrop(config.guard(), previous.get().facts().size(), result.facts().size()) : null;
    if (suspicious == null) {
      snapshots.record(result, config.type());
      return result;
    }
    int agreeing = config.guard().confirmAfterRuns();
    if (agreeing > 0 && agreeingHeldRuns(connectorId, result.facts().size()) >= agreeing - 1) {
      String by = agreeing + " consecutive runs";
      long id = snapshots.record(result, config.type(), null, by);
      log.warn("connector '{}': run {} applied: {}; confirmed by {} with the same count (guard.confirmAfterRuns)",
          connectorId, id, suspicious, by);
      return result;
    }
    long id = snapshots.record(result, config.type(), suspicious + "; held, the last good snapshot (run "
        + previous.get().runId() + ") stays in force until confirmed", null);
    log.warn("connector '{}': run {} HELD as suspicious: {}. The last good snapshot (run {}) stays in force and no"
        + " finding resolves on it until an admin confirms: POST /api/connectors/{}/runs/{}/confirm{}", connectorId, id,
        suspicious, previous.get().runId(), connectorId, id,
        agreeing > 0 ? " (or " + agreeing + " consecutive runs agree)" : "");
    return result;
  }

  /**
   * Why a successful run's fact count is suspicious against the last good snapshot's, or null when
   * it is not: it fell to zero (unless the source may be empty), or by more than the allowed share.
   */
  static String suspiciousDrop(io.aimsmonitor.connector.ConnectorConfig.Guard guard, int before, int now) {
    if (before == 0 || now >= before) {
      return null;
    }
    if (now == 0) {
      return guard.expectEmpty() ? null
          : "the source returned no facts, after " + before + " in the last good snapshot (declare"
              + " guard.expectEmpty: true if it may legitimately be empty)";
    }
    double drop = (before - now) / (double) before;
    if (drop <= guard.maxDrop()) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "the fact count dropped from %d to %d (%.0f%%, more than guard.maxDrop %.0f%%)",
        before, now, drop * 100, guard.maxDrop() * 100);
  }

  /** How many of the runs right before this one are held with the same fact count. */
  private int agreeingHeldRuns(String connectorId, int factCount) {
    int n = 0;
    for (SnapshotRepository.RunSummary run : snapshots.history(connectorId, 100)) {
      if (!run.held() || run.factCount() != factCount) {
        break;
      }
      n++;
    }
    return n;
  }

  /**
   * An admin confirms a held run: its facts become the source's latest good snapshot, and the next
   * evaluation applies them.
   *
   * @return the confirmed run, empty when there is no such run
   * @throws IllegalStateException when the run is not held
   */
  public Optional<SnapshotRepository.RunSummary> confirmHeldRun(String connectorId, long runId, String by) {
    Optional<SnapshotRepository.RunSummary> confirmed = snapshots.confirm(connectorId, runId, by, clock.instant());
    confirmed.ifPresent(r -> log.warn("connector '{}': held run {} ({} facts) confirmed by {}; it is applied at the"
        + " next evaluation", connectorId, runId, r.factCount(), by));
    return confirmed;
  }

  /**
   * What this service's last evaluation read and decided, so that the next one does only what
   * changed since (docs/architecture.md, "Incremental cycles"). Null before the first evaluation,
   * while one runs, and after one that did not complete: the next one is then a full one.
   *
   * @param evaluationId the evaluation run it wrote: if the store's newest run is another, some
   *     other replica or process evaluated since, and this one's view of the findings is not current
   * @param scoped the in-scope facts without the source health facts
   * @param held the open findings a not-fresh source holds stale, by id
   */
  private record Cycle(long evaluationId, Map<String, Long> runIds, List<SourceHealth> health, Instant rulesNow,
      List<RulePack> packs, Set<String> quarantined, Map<String, FactSnapshot> latest, List<Fact> scoped,
      List<PackResult> results, Map<Long, String> hashes, Set<String> evaluatedRules, Set<String> loadedRules,
      List<SourceDependencies.NotFresh> notFresh, Map<String, Reconciler.Held> held, boolean allSucceeded) {}

  private Cycle previous;

  /** A finding's identity before it is hashed into its id: comparing these is cheaper than hashing each violation. */
  private record RuleSubject(String ruleId, String subjectKey) {}

  /**
   * Evaluates all packs in force over the latest good facts and stores the reconciled findings.
   *
   * <p>Incremental (unless {@code aims.rules.incremental} is false), at three depths: when no
   * source's good run, source health, pack, quarantine or time step changed since this service's
   * last evaluation, the facts are not read and the rules not run (their violations are the last
   * ones), and no finding is reconciled; when only facts changed, the long-lived sessions are given
   * the changes and only the findings whose violations appeared or went are reconciled; otherwise
   * (first evaluation, restart, packs reloaded, a pack failed, a source's freshness changed, another
   * replica evaluated) every open finding is reconciled.
   */
  public synchronized EvaluationOutcome evaluate() {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<ConnectorConfig> enabled = connectors.enabled();
    Map<String, ConnectorState> states = snapshots.states();
    Map<String, SourceHealth> health = health(enabled, states, started);
    List<RulePack> packs = ruleBook.packs();
    evaluator.quarantine(evaluations.quarantined()); // a pack that ran away on any replica, or before a restart
    Cycle last = previous;
    previous = null; // set again when this evaluation completes
    if (last != null && (!evaluator.incremental() || last.evaluationId() != evaluations.latestId())) {
      last = null;
    }
    Instant rulesNow = evaluator.rulesNow(started);
    boolean unchanged = last != null && last.allSucceeded() && last.runIds().equals(goodRunIds(enabled, states))
        && last.health().equals(healthContent(health)) && last.rulesNow().equals(rulesNow)
        && samePacks(last.packs(), packs) && last.quarantined().equals(evaluator.quarantined());

    Map<String, FactSnapshot> latest;
    List<Fact> scoped;
    List<PackResult> results;
    Evaluator.LiveDelta delta = null;
    FactOrigins origins = FactOrigins.NONE; // where inScope's facts come from (see below)
    if (unchanged) {
      latest = last.latest();
      scoped = last.scoped();
    } else {
      latest = snapshots.latestGood(enabled.stream().map(ConnectorConfig::id).toList());
      int total = 0;
      for (FactSnapshot s : latest.values()) {
        total += s.facts().size();
      }
      List<Fact> facts = new ArrayList<>(total);
      // The store knows which facts of a new snapshot it carried over from the previous one (the
      // same objects, or copies re-stamped with the new run's start, as connectors stamp every
      // fact): told per snapshot, the comparison takes those over in stretches instead of looking at
      // each fact, and a snapshot that did not change as one stretch
      List<FactOrigins.Part> parts = new ArrayList<>(latest.size());
      for (FactSnapshot s : latest.values()) {
        parts.add(new FactOrigins.Part(facts.size(), s.facts(), snapshots.takeCarried(s)));
        facts.addAll(s.facts());
      }
      List<Fact> kept = scope.apply(facts);
      origins = origins(facts, kept, parts, health.size());
      scoped = List.copyOf(kept);
    }
    long tLoaded = System.nanoTime();
    List<Fact> inScope = new ArrayList<>(scoped.size() + health.size());
    inScope.addAll(scoped);
    inScope.addAll(health.values());
    if (unchanged) {
      results = last.results(); // the same facts, packs and time step: the same violations
      log.info("evaluation: nothing changed since evaluation {} (snapshots, source health, packs, time step):"
          + " not evaluated again, no finding reconciled", last.evaluationId());
    } else {
      // incremental unless aims.rules.incremental is false: long-lived sessions given what changed
      results = evaluator.evaluateLive(packs, inScope, origins, started);
      delta = evaluator.lastDelta();
    }
    long tRules = System.nanoTime();
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
        packFailures.add(EvaluationRepository.PackFailure.of(r, started));
      }
    }
    PausePoints.reach(PausePoints.EVALUATE);
    evaluations.recordFailures(packFailures);
    Set<String> stale = staleRules(evaluated.values(), enabled, health);
    Map<String, Long> snapshotIds = new HashMap<>();
    latest.forEach((id, s) -> snapshotIds.put(id, s.runId()));
    Set<String> loadedRules = Set.copyOf(ruleBook.rules().keySet());
    List<SourceDependencies.NotFresh> notFresh = notFresh(enabled, health);

    Reconciler.Result result;
    Map<String, Reconciler.Held> held;
    Set<String> changedSubjects = null; // for the sink: null when this is not a cycle on from the last one
    if (unchanged) {
      result = new Reconciler.Result(List.of(), List.of(), started, List.of(), Map.of());
      held = last.held();
      changedSubjects = Set.of();
    } else if (last != null && last.allSucceeded() && delta.complete() && last.evaluatedRules().equals(evaluated.keySet())
        && last.loadedRules().equals(loadedRules) && last.notFresh().equals(notFresh)) {
      // Only the findings whose violations appeared or went can change: the others were decided on
      // the same rules, source health and (for their subjects) facts as in the last evaluation.
      Set<RuleSubject> concerns = new HashSet<>();
      delta.touched().forEach(v -> concerns.add(new RuleSubject(v.ruleId(), v.subject().key())));
      changedSubjects = delta.changedSubjects();
      if (!notFresh.isEmpty() && !changedSubjects.isEmpty()) {
        // whether a not-fresh source holds a finding depends on its subject's fact too
        for (Violation v : violations) {
          if (changedSubjects.contains(v.subject().key())) {
            concerns.add(new RuleSubject(v.ruleId(), v.subject().key()));
          }
        }
        for (Reconciler.Held h : last.held().values()) {
          if (changedSubjects.contains(h.subjectKey())) {
            concerns.add(new RuleSubject(h.ruleId(), h.subjectKey()));
          }
        }
      }
      List<Violation> concerned = new ArrayList<>();
      for (Violation v : violations) {
        if (!concerns.isEmpty() && concerns.contains(new RuleSubject(v.ruleId(), v.subject().key()))) {
          concerned.add(v);
        }
      }
      Set<String> ids = new HashSet<>();
      concerns.forEach(c -> ids.add(Finding.idOf(c.ruleId(), c.subjectKey())));
      FindingRepository.Reconcilable existing = findings.reconcilableOnly(ids);
      result = reconciler.reconcile(new Reconciler.Input(existing.findings(), concerned, evaluated, loadedRules,
          new SourceDependencies(notFresh, notFresh.isEmpty() ? List.of() : inScope), snapshotIds, started,
          existing.live()));
      held = new HashMap<>(last.held());
      ids.forEach(held::remove);
      held.putAll(result.held());
      log.info("reconciled the {} finding(s) whose violations appeared or went (of {} violations)", ids.size(),
          violations.size());
    } else {
      Set<String> ids = new HashSet<>();
      violations.forEach(v -> ids.add(Finding.idOf(v.ruleId(), v.subject().key())));
      FindingRepository.Reconcilable existing = findings.reconcilable(ids);
      result = reconciler.reconcile(new Reconciler.Input(existing.findings(), violations, evaluated, loadedRules,
          new SourceDependencies(notFresh, inScope), snapshotIds, started, existing.live()));
      held = result.held();
    }
    long tReconciled = System.nanoTime();
    var openBefore = findings.openCounts().before(); // whether the kept open-findings counts are still exact
    sink.store(result, inScope, changedSubjects == null ? null : delta == null ? ReconciliationSink.FactDelta.NONE
        : new ReconciliationSink.FactDelta(changedSubjects, delta.removed(), delta.added()));
    long tStored = System.nanoTime();
    shadow.accept(inScope, started); // shadow packs: same facts and guards, their violations only reported
    Map<String, Integer> staleBySource = new java.util.TreeMap<>();
    health.values().stream().filter(h -> !h.fresh()).forEach(h -> staleBySource.put(h.source(), 0));
    held.values().forEach(h -> h.sources().forEach(source -> staleBySource.merge(source, 1, Integer::sum)));
    evaluations.recordStaleness(staleBySource, started);
    staleBySource.forEach((source, count) -> log.warn("source '{}' was not collected fresh ({}): it holds {} open"
        + " finding(s) stale; findings that cannot depend on it resolve as usual", source,
        health.get(source) == null ? "unknown" : describe(health.get(source)), count));
    EvaluationRun run = new EvaluationRun(started, clock.instant(), packs.size(), inScope.size(), violations.size(),
        (int) result.count(FindingEvent.Type.OPENED), (int) result.count(FindingEvent.Type.RESOLVED),
        (int) result.count(FindingEvent.Type.REOPENED), failed);
    long tShadow = System.nanoTime();
    long evaluationId = evaluations.record(run);
    Map<Long, String> hashes = last != null && last.runIds().equals(snapshotIds) ? last.hashes()
        : snapshots.factsSha256(snapshotIds.values()); // a run's facts never change: hashed once per run
    // an incremental evaluation's verdicts are recorded as a change of the last ones: only the
    // violations that appeared or went are compared and hashed (the recorder checks it recorded those)
    EvaluationRecords.Change change = delta != null && delta.complete() && last != null
        ? new EvaluationRecords.Change(last.results(), delta.touched()) : null;
    evaluations.records().record(evaluationId, new EvaluationRecords.Evaluated(rulesNow, latest.values(), hashes,
        results, health.values(), inScope.size() - health.size(), change));
    log.info("evaluation: {} packs over {} facts: {} violations; {} opened, {} resolved, {} reopened{}{}",
        packs.size(), inScope.size(), violations.size(), run.opened(), run.resolved(), run.reopened(),
        staleBySource.isEmpty() ? "" : "; findings held stale by " + String.join(", ", staleBySource.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + ")").toList()),
        failed.isEmpty() ? "" : "; FAILED packs: " + failed);
    long tRecorded = System.nanoTime();
    // the kept counts follow what was stored (no finding event was written since the store); timed
    // with the summary, which they are for
    findings.openCounts().stored(openBefore, result);
    logSummary();
    long tSummary = System.nanoTime();
    log.info("evaluation phases (ms): facts {}, rules {}, reconcile {}, store {}, record {} (shadow packs and staleness"
        + " {}, evaluation record {}, open-findings summary {})", ms(tLoaded - t0), ms(tRules - tLoaded),
        ms(tReconciled - tRules), ms(tStored - tReconciled), ms(tSummary - tStored), ms(tShadow - tStored),
        ms(tRecorded - tShadow), ms(tSummary - tRecorded));
    previous = new Cycle(evaluationId, snapshotIds, healthContent(health), rulesNow, packs, evaluator.quarantined(),
        latest, scoped, results, hashes, Set.copyOf(evaluated.keySet()), loadedRules, notFresh, Map.copyOf(held),
        failed.isEmpty());
    return new EvaluationOutcome(run, stale, snapshotIds, evaluationId);
  }

  /**
   * What the comparison is told of where the facts come from: the snapshots' parts as they lie in
   * {@code all} while the scope kept every fact in place ({@code kept} is {@code all}); else, as the
   * parts' positions no longer hold, per fact which are re-stamped copies ({@link #keptOnly}).
   */
  static FactOrigins origins(List<Fact> all, List<Fact> kept, List<FactOrigins.Part> parts, int extra) {
    if (kept == all) {
      return new FactOrigins(parts, null);
    }
    Fact[] copiedFrom = null;
    for (FactOrigins.Part part : parts) {
      if (part.carried() != null) {
        if (copiedFrom == null) {
          copiedFrom = new Fact[all.size() + extra];
        }
        Fact[] own = part.carried().copiedFrom(part.facts());
        System.arraycopy(own, 0, copiedFrom, part.from(), own.length);
      }
    }
    return new FactOrigins(List.of(), copiedFrom == null ? null : keptOnly(all, kept, copiedFrom, extra));
  }

  /**
   * {@code copiedFrom} (per fact of {@code all}, with {@code extra} more entries at the end) for
   * the facts the scope {@code kept}, and {@code extra} entries more; null when {@code kept} is not
   * a subsequence of {@code all} in its order (a scope that reorders): the facts are then compared.
   */
  static Fact[] keptOnly(List<Fact> all, List<Fact> kept, Fact[] copiedFrom, int extra) {
    if (kept == all) {
      return copiedFrom;
    }
    Fact[] out = new Fact[kept.size() + extra];
    int j = 0;
    for (int k = 0; k < kept.size(); k++) {
      Fact fact = kept.get(k);
      while (j < all.size() && all.get(j) != fact) {
        j++;
      }
      if (j == all.size()) {
        return null;
      }
      out[k] = copiedFrom[j++];
    }
    return out;
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  /** The latest good run of each enabled source, as the store has it now (one cheap query for all). */
  private static Map<String, Long> goodRunIds(List<ConnectorConfig> enabled, Map<String, ConnectorState> states) {
    Map<String, Long> out = new HashMap<>();
    for (ConnectorConfig config : enabled) {
      ConnectorState state = states.get(config.id());
      if (state != null) {
        state.lastSuccess().ifPresent(r -> out.put(config.id(), r.id()));
      }
    }
    return out;
  }

  /** Source health as rules see it, apart from when it was observed (every evaluation's own time). */
  private static List<SourceHealth> healthContent(Map<String, SourceHealth> health) {
    return health.values().stream().map(h -> h.withOrigin(h.source(), null)).toList();
  }

  /** The same pack objects (a reload makes new ones), with the same content and parameters. */
  private static boolean samePacks(List<RulePack> before, List<RulePack> now) {
    if (before.size() != now.size()) {
      return false;
    }
    for (int i = 0; i < now.size(); i++) {
      RulePack a = before.get(i);
      RulePack b = now.get(i);
      if (a != b || !a.contentHash().equals(b.contentHash()) || !a.parameterValues().equals(b.parameterValues())) {
        return false;
      }
    }
    return true;
  }

  /**
   * One line people can read in the log: how many findings are open (no waiver covering them), by
   * severity, most severe first. From the counts the store keeps up to date as evaluations store
   * their results ({@link io.aimsmonitor.store.OpenFindingCounts}), not from a count of every open finding.
   */
  private void logSummary() {
    Map<io.aimsmonitor.rules.Severity, Long> bySeverity = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
    findings.openBySeverity().notWaived().forEach((severity, n) -> {
      if (n != 0) {
        bySeverity.put(severity, n);
      }
    });
    long total = bySeverity.values().stream().mapToLong(Long::longValue).sum();
    String parts = String.join(", ", bySeverity.entrySet().stream()
        .map(e -> e.getKey().name().toLowerCase(java.util.Locale.ROOT) + " " + e.getValue()).toList());
    log.info("open findings: {} - /api/findings?status=open", total + (total == 0 ? "" : " (" + parts + ")"));
  }

  /** The in-scope facts of the latest good snapshot of every enabled source, as an evaluation reads them. */
  public List<Fact> latestFacts() {
    List<Fact> facts = new ArrayList<>();
    snapshots.latestGood(connectors.enabled().stream().map(ConnectorConfig::id).toList()).values()
        .forEach(s -> facts.addAll(s.facts()));
    return List.copyOf(scope.apply(facts));
  }

  /** The sources not collected fresh in this evaluation: what they provide, where their runs live. */
  private List<SourceDependencies.NotFresh> notFresh(List<ConnectorConfig> enabled, Map<String, SourceHealth> health) {
    List<SourceDependencies.NotFresh> notFresh = new ArrayList<>();
    for (ConnectorConfig config : enabled) {
      if (!health.get(config.id()).fresh()) {
        notFresh.add(new SourceDependencies.NotFresh(config.id(), connectors.provides(config),
            connectors.types().get(config.type()).namespaces(config)));
      }
    }
    return List.copyOf(notFresh);
  }

  private static String describe(SourceHealth h) {
    if (h.lastRunFailed()) {
      return "last run failed: " + h.lastError();
    }
    return h.lastSuccessAt() == null ? "never collected" : "overdue since " + h.lastSuccessAt();
  }

  /**
   * Rules in force that read a fact type some failed or overdue source provides. This is the
   * control-level view (a control is not "compliant" while a rule deciding it reads unverified
   * data); findings follow {@link SourceDependencies}.
   */
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
  public static Map<String, SourceHealth> health(List<ConnectorConfig> enabled, Map<String, ConnectorState> states, Instant now) {
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
