package io.aimsmonitor.shadow;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.Evaluator.PackResult;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.ShadowRepository;
import io.aimsmonitor.store.ShadowRepository.ShadowResult;
import io.aimsmonitor.store.ShadowRepository.ShadowRun;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow rule packs ({@code shadow: true} in pack.yaml): evaluated every cycle over the same facts
 * and under the same guards as the live packs, but what they find is only stored and reported here,
 * never reconciled into findings. So they change no control status, metric of findings or alert,
 * and a team sees what a new rule would raise (now, and over the stored history) before it goes live.
 */
public class ShadowMode {

  private static final Logger log = LoggerFactory.getLogger(ShadowMode.class);
  private static final Comparator<ShadowViolation> ORDER =
      Comparator.comparing(ShadowViolation::ruleId).thenComparing(ShadowViolation::subjectKey);

  /** A stored shadow violation, and whether an open finding already says the same (same rule, same subject). */
  public record Item(boolean alreadyFound, ShadowViolation violation) {}

  /**
   * A shadow pack's latest result.
   *
   * @param evaluation {@code ok}, {@code failed}, or null before its first evaluation
   * @param evaluatedVersion the content hash that result is from (the pack may have changed since)
   * @param violations how many violations it reported
   * @param newViolations how many of the stored ones no open finding already covers: what promoting it would open
   * @param stored how many are stored (at most aims.shadow.max-stored-violations)
   * @param items the first stored ones, by rule and subject
   * @param history its violation count per evaluation, newest first
   */
  public record PackReport(String name, String version, String contentHash, String description, String evaluation,
      Instant evaluatedAt, String evaluatedVersion, String error, int violations, int newViolations, int stored,
      List<Item> items, List<ShadowRun> history) {}

  /**
   * One day of a backtest: the pack over the snapshots in force at the end of that day.
   *
   * @param asOf the end of the day (or now, for today): the evaluation's {@code now}
   * @param snapshots the good snapshot (run id) of each source in force then
   * @param status {@code ok}, {@code failed} (the pack threw or tripped a guard), or {@code no-data}
   *     (no source had a good snapshot then: nothing can be said about that day)
   */
  public record BacktestDay(LocalDate date, Instant asOf, Map<String, Long> snapshots, String status, String error,
      int violations, List<ShadowViolation> items) {}

  /**
   * What a shadow pack would have found over the last {@code days} days.
   *
   * @param complete false when the backtest budget ran out before every day was evaluated ({@code error} says so)
   */
  public record Backtest(String pack, String contentHash, int days, boolean complete, String error,
      List<BacktestDay> results) {}

  private final RuleBook ruleBook;
  private final ShadowRepository store;
  private final EvaluationRepository evaluations;
  private final SnapshotRepository snapshots;
  private final ConnectorInstances connectors;
  private final UnaryOperator<List<Fact>> scope;
  private final ShadowProperties properties;
  private final Clock clock;
  private final Evaluator evaluator = new Evaluator();
  /** One backtest at a time: each may read a year of snapshots. */
  private final Semaphore backtests = new Semaphore(1);

  public ShadowMode(RuleBook ruleBook, ShadowRepository store, EvaluationRepository evaluations,
      SnapshotRepository snapshots, ConnectorInstances connectors, UnaryOperator<List<Fact>> scope,
      ShadowProperties properties, Clock clock) {
    this.ruleBook = ruleBook;
    this.store = store;
    this.evaluations = evaluations;
    this.snapshots = snapshots;
    this.connectors = connectors;
    this.scope = scope;
    this.properties = properties;
    this.clock = clock;
  }

  public ShadowProperties properties() {
    return properties;
  }

  /**
   * Evaluates every shadow pack over the facts a live evaluation read and stores what each found.
   * A failing pack is recorded like a failing live pack (so a runaway one stays quarantined) and
   * affects nothing else.
   */
  public void evaluate(List<? extends Fact> facts, Instant at) {
    try {
      evaluateAll(facts, at);
    } catch (RuntimeException e) {
      // the live evaluation has been stored already; a store error here must not undo or stop it
      log.error("shadow packs not evaluated: {}", e.toString(), e);
    }
  }

  private void evaluateAll(List<? extends Fact> facts, Instant at) {
    List<RulePack> packs = ruleBook.shadowPacks();
    store.retainOnly(packs.stream().map(RulePack::name).toList());
    if (packs.isEmpty()) {
      return;
    }
    evaluator.quarantine(evaluations.quarantined());
    for (RulePack pack : packs) {
      PackResult result = evaluator.evaluate(pack, facts, at);
      if (!result.succeeded()) {
        evaluations.recordFailures(List.of(EvaluationRepository.PackFailure.of(result, at)));
      }
      List<ShadowViolation> found = violations(pack, result.violations());
      store.record(new ShadowResult(pack.name(), pack.contentHash(), at, result.violations().size(), result.error(),
          found.subList(0, Math.min(found.size(), properties.maxStoredViolations()))), at.minus(properties.historyRetention()));
      log.info("shadow pack '{}': {}", pack.name(), result.succeeded()
          ? result.violations().size() + " violation(s) it would raise (no findings created)" : result.error());
    }
  }

  /** Every shadow pack in force with its latest result, the first {@code limit} violations each. */
  public List<PackReport> reports(int limit) {
    return ruleBook.shadowPacks().stream().map(p -> report(p, limit)).toList();
  }

  /**
   * One shadow pack's latest result.
   *
   * @throws NoSuchElementException when no shadow pack of that name is in force
   */
  public PackReport report(String name, int limit) {
    return report(shadowPack(name), limit);
  }

  private PackReport report(RulePack pack, int limit) {
    List<ShadowRun> history = store.history(pack.name(), 30);
    return store.latest(pack.name()).map(r -> {
      Set<String> open = store.openFindingIds(r.violations().stream().map(ShadowViolation::findingId).toList());
      List<Item> items = r.violations().stream().map(v -> new Item(open.contains(v.findingId()), v)).toList();
      int fresh = (int) items.stream().filter(i -> !i.alreadyFound()).count();
      return new PackReport(pack.name(), pack.version(), pack.contentHash(), pack.description(),
          r.error() == null ? "ok" : "failed", r.evaluatedAt(), r.contentHash(), r.error(), r.violationCount(), fresh,
          items.size(), items.subList(0, Math.min(items.size(), limit)), history);
    }).orElseGet(() -> new PackReport(pack.name(), pack.version(), pack.contentHash(), pack.description(), null, null,
        null, null, 0, 0, 0, List.of(), history));
  }

  /**
   * Evaluates a shadow pack over the snapshots in force at the end of each of the last {@code days}
   * days (today up to now), oldest first, under the pack's evaluation limits and the backtest budget.
   * Source-health facts are not reconstructed for past days, so rules on them do not fire here.
   *
   * @param limit violations listed per day (the count is exact)
   * @throws NoSuchElementException when no shadow pack of that name is in force
   * @throws IllegalArgumentException when {@code days} is out of range
   * @throws IllegalStateException when another backtest is running
   */
  public Backtest backtest(String name, int days, int limit) {
    RulePack pack = shadowPack(name);
    if (days < 1 || days > properties.backtestMaxDays()) {
      throw new IllegalArgumentException("days must be between 1 and " + properties.backtestMaxDays()
          + " (aims.shadow.backtest-max-days), got " + days);
    }
    if (!backtests.tryAcquire()) {
      throw new IllegalStateException("another backtest is running; try again when it has finished");
    }
    try {
      return backtest(pack, days, limit);
    } finally {
      backtests.release();
    }
  }

  private Backtest backtest(RulePack pack, int days, int limit) {
    long deadline = System.nanoTime() + properties.backtestBudget().toNanos();
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<String> sources = connectors.enabled().stream().map(ConnectorConfig::id).toList();
    evaluator.quarantine(evaluations.quarantined());
    Map<Long, FactSnapshot> loaded = new HashMap<>(); // only the previous day's set: most days reuse most of it
    List<BacktestDay> results = new ArrayList<>();
    for (int back = days - 1; back >= 0; back--) {
      if (System.nanoTime() > deadline) {
        String error = "backtest budget of " + properties.backtestBudget() + " (aims.shadow.backtest-budget) used up after "
            + results.size() + " of " + days + " days; ask for fewer days";
        log.warn("shadow pack '{}': {}", pack.name(), error);
        return new Backtest(pack.name(), pack.contentHash(), days, false, error, results);
      }
      LocalDate date = today.minusDays(back);
      Instant endOfDay = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant asOf = endOfDay.isAfter(now) ? now : endOfDay;
      Map<String, Long> runs = new TreeMap<>();
      for (String source : sources) {
        snapshots.goodRunAsOf(source, asOf).ifPresent(id -> runs.put(source, id));
      }
      loaded.keySet().retainAll(runs.values());
      List<Fact> facts = new ArrayList<>();
      runs.values().forEach(id -> facts.addAll(loaded.computeIfAbsent(id, snapshots::snapshot).facts()));
      if (runs.isEmpty()) {
        results.add(new BacktestDay(date, asOf, runs, "no-data", null, 0, List.of()));
        continue;
      }
      PackResult result = evaluator.evaluate(pack, scope.apply(facts), asOf);
      List<ShadowViolation> found = violations(pack, result.violations());
      results.add(new BacktestDay(date, asOf, runs, result.succeeded() ? "ok" : "failed", result.error(),
          found.size(), found.subList(0, Math.min(found.size(), limit))));
    }
    return new Backtest(pack.name(), pack.contentHash(), days, true, null, results);
  }

  private RulePack shadowPack(String name) {
    return ruleBook.shadowPacks().stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no shadow rule pack '" + name + "' is in force"
            + (ruleBook.packs().stream().anyMatch(p -> p.name().equals(name)) ? " (it is a live pack)" : "")));
  }

  private static List<ShadowViolation> violations(RulePack pack, List<Violation> violations) {
    Map<String, RuleDefinition> rules = new HashMap<>();
    pack.rules().forEach(r -> rules.put(r.id(), r));
    return violations.stream().map(v -> ShadowViolation.of(v, rules.get(v.ruleId()))).sorted(ORDER).toList();
  }
}
