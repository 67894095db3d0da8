package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kie.api.runtime.KieSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rule packs over a set of facts. Each pack runs in its own session with the
 * {@code violations} and {@code now} globals and its parameters, under its
 * {@link EvaluationLimits} (see {@link GuardedSession}); a pack whose rules throw or that trips a
 * guard is reported as failed, so its findings are left as they were rather than resolved.
 *
 * <p>A pack whose evaluation could not be stopped at all (a consequence that never returns) is
 * quarantined by content hash: it is not started again by this evaluator until its files change,
 * so it costs at most one thread, not one per cycle.
 *
 * <p>{@link #evaluate} is the full path: a fresh session per pack over every fact (replay, shadow
 * packs, {@code validate}, rule tests). {@link #evaluateLive} is the scheduled evaluation's:
 * incremental, in long-lived sessions (docs/architecture.md, "Incremental evaluation"). On both
 * paths a pack's session is given only the facts its rules can match ({@link RulePack#factTypes()},
 * {@link FactTypes#admits}), and of a class pack.yaml semi-joins only those a held fact names
 * ({@link SessionFacts}).
 */
public final class Evaluator {

  private static final Logger log = LoggerFactory.getLogger(Evaluator.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /**
   * Which guard stopped a pack.
   *
   * @param guard {@code timeout}, {@code firings} or {@code inserted_facts} (a bounded metric label)
   * @param rule the rule that fired most (for a timeout inside a consequence: the rule still running it), or null
   * @param runaway true when the evaluation thread did not stop when asked: the pack is quarantined
   */
  public record GuardTrip(String guard, String rule, boolean runaway) {
    public static final List<String> GUARDS = List.of("timeout", "firings", "inserted_facts");
  }

  /** One pack's outcome: its violations, or the error that stopped it (and the guard, if one tripped). */
  public record PackResult(RulePack pack, List<Violation> violations, String error, GuardTrip trip) {
    public PackResult(RulePack pack, List<Violation> violations, String error) {
      this(pack, violations, error, null);
    }

    public boolean succeeded() {
      return error == null;
    }
  }

  /**
   * Whether {@link #evaluateLive} evaluates incrementally, and the time step of its {@code now}.
   *
   * @param enabled false: every evaluation is a full one in fresh sessions ({@code aims.rules.incremental})
   * @param timeStep rules see the evaluation time truncated to a multiple of this (UTC, from the epoch); when
   *     it moves to the next step, the packs whose rules read {@code now} are decided afresh
   *     ({@code aims.rules.time-step})
   */
  public record Incremental(boolean enabled, Duration timeStep) {
    public static final Incremental DEFAULT = new Incremental(true, Duration.ofHours(1));

    public Incremental {
      if (timeStep == null || timeStep.isNegative() || timeStep.isZero()) {
        throw new IllegalArgumentException("aims.rules.time-step must be positive, got " + timeStep);
      }
    }

    /** {@code at} truncated to the time step: what {@code now} is to rules in incremental evaluation. */
    public Instant stepOf(Instant at) {
      long step = timeStep.toMillis();
      long millis = at.toEpochMilli();
      return Instant.ofEpochMilli(millis - Math.floorMod(millis, step));
    }
  }

  /**
   * What the last {@link #evaluateLive} call changed, for a reconciliation of only the changes.
   *
   * @param complete true when every pack was given the changes in the session it kept from the
   *     previous call and succeeded: then {@code touched} is every report that appeared or went.
   *     False after a full evaluation, a session started afresh (reload, time step, restart, guard
   *     trip) or a failed pack: the caller must then reconcile everything
   * @param touched the reports that appeared or went in this call (meaningful only when complete)
   * @param changedSubjects subject keys of the facts inserted, updated or deleted in this call
   * @param removed the facts deleted, and the updated ones as they were (for the review sink's owners)
   * @param added the facts inserted, and the updated ones as they are now
   */
  public record LiveDelta(boolean complete, List<Violation> touched, Set<String> changedSubjects, List<Fact> removed,
      List<Fact> added) {
    static final LiveDelta NONE = new LiveDelta(false, List.of(), Set.of(), List.of(), List.of());
  }

  private final Set<String> quarantined = ConcurrentHashMap.newKeySet();
  private LiveDelta lastDelta = LiveDelta.NONE;
  private final Incremental incremental;
  private final FactChanges liveFacts = new FactChanges();
  private final Map<String, LiveSession> sessions = new HashMap<>();

  /** Incremental with the default time step for {@link #evaluateLive}; {@link #evaluate} is always full. */
  public Evaluator() {
    this(Incremental.DEFAULT);
  }

  public Evaluator(Incremental incremental) {
    this.incremental = incremental;
  }

  public List<PackResult> evaluate(List<RulePack> packs, List<? extends Fact> facts, Instant now) {
    List<PackResult> results = new ArrayList<>(packs.size());
    for (RulePack pack : packs) {
      results.add(evaluate(pack, facts, now));
    }
    return results;
  }

  /**
   * Content hashes of packs not to start again (e.g. read back from the store after a restart,
   * so that a pack whose consequence never returned does not spin again on every start).
   */
  public void quarantine(Set<String> contentHashes) {
    quarantined.addAll(contentHashes);
  }

  public boolean isQuarantined(RulePack pack) {
    return quarantined.contains(pack.contentHash());
  }

  public PackResult evaluate(RulePack pack, List<? extends Fact> facts, Instant now) {
    if (isQuarantined(pack)) {
      return quarantinedResult(pack);
    }
    Violations violations = new Violations();
    GuardedSession.Outcome outcome = guard(pack).run(() -> open(pack, violations, now), s -> insertRead(s, pack, facts),
        false);
    return result(pack, outcome, violations);
  }

  /**
   * The {@code now} rules see in {@link #evaluateLive} at {@code at}: the time step's start when
   * incremental, else {@code at}. The evaluation record keeps this one, so that a replay decides at
   * the time the rules saw, not at the exact start of the evaluation.
   */
  public Instant rulesNow(Instant at) {
    return incremental.enabled() ? incremental.stepOf(at) : at;
  }

  /**
   * Evaluates the packs in force as {@link #evaluate(List, List, Instant)} does, but, with
   * {@link Incremental#enabled()}, in long-lived sessions that are given only what changed since
   * the previous call (see docs/architecture.md, "Incremental evaluation"): the violations are the same as a
   * full evaluation's at {@link Incremental#stepOf(Instant) now truncated to the time step}. For the
   * scheduled evaluation only; calls must not overlap (they are serialised here).
   */
  public List<PackResult> evaluateLive(List<RulePack> packs, List<? extends Fact> facts, Instant now) {
    return evaluateLive(packs, facts, FactOrigins.NONE, now);
  }

  /**
   * As {@link #evaluateLive(List, List, Instant)}, told where the facts come from ({@link FactOrigins}:
   * which stretches are whole snapshots and what the store carried over into them, or per fact which
   * are re-stamped copies of facts given before; see {@link FactChanges#next(List, FactOrigins)}):
   * those are found unchanged without their content being compared.
   */
  public synchronized List<PackResult> evaluateLive(List<RulePack> packs, List<? extends Fact> facts,
      FactOrigins origins, Instant now) {
    long started = System.nanoTime();
    lastDelta = LiveDelta.NONE;
    if (!incremental.enabled()) {
      List<PackResult> results = evaluate(packs, facts, now);
      log.info("full evaluation (aims.rules.incremental: false): {} facts; rules {} ms", facts.size(),
          (System.nanoTime() - started) / 1_000_000);
      return results;
    }
    Instant stepNow = incremental.stepOf(now);
    FactChanges.Changes changes = liveFacts.next(facts, origins);
    long diffed = System.nanoTime();
    List<PackResult> results = new ArrayList<>(packs.size());
    List<String> afresh = new ArrayList<>();
    List<Violation> touched = new ArrayList<>();
    boolean complete = true;
    for (RulePack pack : packs) {
      PackResult result = evaluateLive(pack, changes, stepNow, afresh);
      results.add(result);
      LiveSession live = sessions.get(pack.name());
      complete &= result.succeeded() && live != null;
      if (live != null) {
        touched.addAll(live.violations.drainTouched()); // drained in every case: a fresh session's are all new
      }
    }
    complete &= afresh.isEmpty();
    // the subjects only when the delta can be used: after a first or afresh evaluation every fact
    // is inserted, and their keys (a string built per fact) were a cost in proportion to the estate
    lastDelta = complete ? new LiveDelta(true, List.copyOf(touched), changedSubjects(changes), removed(changes),
        added(changes)) : LiveDelta.NONE;
    log.info("incremental evaluation: {} inserted, {} updated, {} deleted of {} facts (compared in {} ms); rules {} ms;"
        + " decided afresh: {}", changes.inserted().size(), changes.updated().size(), changes.deleted().size(),
        changes.current().size(), (diffed - started) / 1_000_000, (System.nanoTime() - diffed) / 1_000_000,
        afresh.isEmpty() ? "none" : String.join(", ", afresh));
    Set<String> inForce = new HashSet<>();
    packs.forEach(p -> inForce.add(p.name()));
    sessions.entrySet().removeIf(e -> {
      if (inForce.contains(e.getKey())) {
        return false;
      }
      e.getValue().dispose(); // a pack removed from the rules folder
      return true;
    });
    return results;
  }

  private PackResult evaluateLive(RulePack pack, FactChanges.Changes changes, Instant now, List<String> afreshLog) {
    LiveSession live = sessions.remove(pack.name()); // put back only when this evaluation succeeds
    if (isQuarantined(pack)) {
      if (live != null) {
        live.dispose();
      }
      return quarantinedResult(pack);
    }
    String afresh = live == null ? "no session yet" : live.reasonToStartAfresh(pack, changes, now);
    GuardedSession.Outcome outcome;
    if (afresh == null) {
      LiveSession kept = live;
      outcome = guard(pack).run(() -> kept.session, s -> kept.facts.apply(changes), true);
      live = kept;
    } else {
      if (live != null) {
        live.dispose();
      }
      afreshLog.add(pack.name() + " (" + afresh + ")");
      Violations violations = Violations.logical();
      LiveSession fresh = new LiveSession(pack, violations, now);
      outcome = guard(pack).run(() -> {
        KieSession s = open(pack, violations, now);
        s.addEventListener(violations.tracker());
        fresh.session = s;
        fresh.facts = new SessionFacts(s, pack.factTypes());
        return s;
      }, s -> fresh.facts.insertAll(changes.current()), true);
      live = fresh;
    }
    PackResult result = result(pack, outcome, live.violations);
    if (result.succeeded()) {
      live.generation = changes.generation();
      sessions.put(pack.name(), live);
    } // else GuardedSession disposed the session: the next evaluation of the pack starts afresh
    return result;
  }

  private static Set<String> changedSubjects(FactChanges.Changes changes) {
    Set<String> changedSubjects = new HashSet<>();
    changes.inserted().forEach(f -> changedSubjects.add(f.subject().key()));
    changes.updated().forEach(u -> {
      changedSubjects.add(u.before().subject().key());
      changedSubjects.add(u.after().subject().key());
    });
    changes.deleted().forEach(f -> changedSubjects.add(f.subject().key()));
    return Set.copyOf(changedSubjects);
  }

  private static List<Fact> removed(FactChanges.Changes changes) {
    List<Fact> out = new ArrayList<>(changes.deleted());
    changes.updated().forEach(u -> out.add(u.before()));
    return out;
  }

  private static List<Fact> added(FactChanges.Changes changes) {
    List<Fact> out = new ArrayList<>(changes.inserted());
    changes.updated().forEach(u -> out.add(u.after()));
    return out;
  }

  /** Inserts the facts the pack's session can match (see {@link FactTypes#admits}, {@link SessionFacts}). */
  private static void insertRead(KieSession session, RulePack pack, List<? extends Fact> facts) {
    new SessionFacts(session, pack.factTypes()).insertAll(facts);
  }

  private GuardedSession guard(RulePack pack) {
    return new GuardedSession(pack.limits(), "aims-eval-" + THREADS.incrementAndGet() + "-" + pack.name());
  }

  private static KieSession open(RulePack pack, Violations violations, Instant now) {
    KieSession session = pack.kieBase().newKieSession();
    session.setGlobal("violations", violations);
    setIfDeclared(session, pack, "now", now);
    pack.parameterValues().forEach((name, value) -> setIfDeclared(session, pack, name, value));
    return session;
  }

  private static PackResult quarantinedResult(RulePack pack) {
    return new PackResult(pack, List.of(), "rule pack '" + pack.name() + "' version " + pack.shortHash()
        + " is quarantined: an earlier evaluation could not be stopped within its budget; change the pack to run it"
        + " again", null);
  }

  private PackResult result(RulePack pack, GuardedSession.Outcome outcome, Violations violations) {
    if (outcome.trip() != null) {
      GuardTrip trip = outcome.trip();
      if (trip.runaway()) {
        quarantined.add(pack.contentHash());
      }
      String error = "rule pack '" + pack.name() + "' stopped: " + outcome.message();
      log.error(error);
      return new PackResult(pack, List.of(), error, trip);
    }
    if (outcome.failure() != null) {
      // LinkageError too: Drools compiles constraints to bytecode after ~20 evaluations, and a
      // constraint its compiler cannot handle must fail this pack, not the whole evaluation.
      Throwable root = outcome.failure();
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String error = "rule pack '" + pack.name() + "' failed during evaluation: " + root;
      log.error(error, outcome.failure());
      return new PackResult(pack, List.of(), error, null);
    }
    return new PackResult(pack, violations.reported(), null, null);
  }

  private static void setIfDeclared(KieSession session, RulePack pack, String name, Object value) {
    if (declares(pack, name)) {
      session.setGlobal(name, value);
    }
  }

  private static boolean declares(RulePack pack, String global) {
    return pack.kieBase().getKiePackages().stream()
        .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(global)));
  }

  /** One pack's long-lived session, and what it was last evaluated on. */
  private static final class LiveSession {
    private final RulePack pack;
    private final Violations violations;
    private final Instant now;
    private final boolean readsNow;
    private volatile KieSession session; // set on the evaluation thread
    private volatile SessionFacts facts; // what the session is given; set with it
    private long generation = -1;

    LiveSession(RulePack pack, Violations violations, Instant now) {
      this.pack = pack;
      this.violations = violations;
      this.now = now;
      this.readsNow = declares(pack, "now");
    }

    /** Why this session cannot simply be given the changes, or null when it can. */
    String reasonToStartAfresh(RulePack inForce, FactChanges.Changes changes, Instant stepNow) {
      if (inForce.kieBase() != pack.kieBase() || !inForce.contentHash().equals(pack.contentHash())
          || !inForce.parameterValues().equals(pack.parameterValues())) {
        return "the pack or its parameters changed";
      }
      if (generation != changes.generation() - 1) {
        return "the session missed a generation of facts";
      }
      if (readsNow && !stepNow.equals(now)) {
        return "time moved to step " + stepNow + " and the pack's rules read now";
      }
      return null;
    }

    void dispose() {
      if (session == null) {
        return;
      }
      try {
        session.dispose();
      } catch (RuntimeException e) {
        log.debug("disposing a long-lived session failed", e);
      }
    }
  }

  /** What the last {@link #evaluateLive} call changed (see {@link LiveDelta}). */
  public synchronized LiveDelta lastDelta() {
    return lastDelta;
  }

  /** Whether {@link #evaluateLive} is incremental ({@code aims.rules.incremental}). */
  public boolean incremental() {
    return incremental.enabled();
  }

  /** Packs quarantined so far, by content hash. */
  public Set<String> quarantined() {
    return Set.copyOf(quarantined);
  }

  static String mostFired(Map<String, Long> firings) {
    return firings.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }
}
