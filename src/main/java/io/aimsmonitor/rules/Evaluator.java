package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.time.Instant;
import java.util.ArrayList;
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

  private final Set<String> quarantined = ConcurrentHashMap.newKeySet();

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
      return new PackResult(pack, List.of(), "rule pack '" + pack.name() + "' version " + pack.shortHash()
          + " is quarantined: an earlier evaluation could not be stopped within its budget; change the pack to run it"
          + " again", null);
    }
    Violations violations = new Violations();
    GuardedSession guarded = new GuardedSession(pack.limits(), "aims-eval-" + THREADS.incrementAndGet() + "-" + pack.name());
    GuardedSession.Outcome outcome = guarded.run(() -> {
      KieSession session = pack.kieBase().newKieSession();
      session.setGlobal("violations", violations);
      setIfDeclared(session, pack, "now", now);
      pack.parameterValues().forEach((name, value) -> setIfDeclared(session, pack, name, value));
      return session;
    }, facts);
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
    boolean declared = pack.kieBase().getKiePackages().stream()
        .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(name)));
    if (declared) {
      session.setGlobal(name, value);
    }
  }

  /** Packs quarantined so far, by content hash. */
  public Set<String> quarantined() {
    return Set.copyOf(quarantined);
  }

  static String mostFired(Map<String, Long> firings) {
    return firings.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }
}
