package io.aimsmonitor.rules;

import io.aimsmonitor.rules.Evaluator.GuardTrip;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.runtime.KieSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pack's evaluation under its {@link EvaluationLimits}, on a thread of its own so that the
 * caller always gets an answer within the budget:
 * <ul>
 *   <li>firings and inserted facts are counted by session listeners; over a cap the session is
 *       halted (a loop of {@code modify} without {@code no-loop} stops after the current firing)
 *       and an insert over the cap throws, which also ends a consequence that inserts in a loop;</li>
 *   <li>at the time budget the session is halted and the thread interrupted; a thread still
 *       running after a short grace (a consequence such as {@code while (true) {}}, which nothing
 *       inside Java can interrupt) is stopped where the JVM still allows it (Java 17-19), else
 *       abandoned as a daemon at the lowest priority. Either way the trip is marked
 *       {@link GuardTrip#runaway()} and the caller returns at once.</li>
 * </ul>
 * A long-lived session (incremental evaluation) is run by a new {@code GuardedSession}, on a new
 * thread, at each evaluation: the counts and the budget are per evaluation, and a session that
 * failed or tripped is disposed rather than reused.
 */
final class GuardedSession {

  private static final Logger log = LoggerFactory.getLogger(GuardedSession.class);
  private static final Duration MAX_GRACE = Duration.ofSeconds(2);

  /** Either a trip (with a message naming the guard and the rule), a failure, or neither (success). */
  record Outcome(GuardTrip trip, String message, Throwable failure) {}

  /** Thrown into a consequence that inserts past the cap; carries no stack trace (it may be thrown often). */
  static final class Tripped extends RuntimeException {
    Tripped(String message) {
      super(message, null, false, false);
    }
  }

  private final EvaluationLimits limits;
  private final String threadName;
  private final Map<String, Long> firings = new ConcurrentHashMap<>();
  private final AtomicLong fired = new AtomicLong();
  private final AtomicLong inserted = new AtomicLong();
  private final AtomicReference<String> tripped = new AtomicReference<>();
  private final AtomicReference<String> trippingRule = new AtomicReference<>();
  private final AtomicReference<KieSession> session = new AtomicReference<>();
  private volatile String running;
  private volatile boolean counting;

  GuardedSession(EvaluationLimits limits, String threadName) {
    this.limits = limits;
    this.threadName = threadName;
  }

  /**
   * Opens (or takes) a session, loads facts into it with {@code load} (inserts, updates, deletes: not
   * counted against {@code maxInsertedFacts}), then fires, under the limits. With {@code keep} a
   * session that succeeded is left open for the next evaluation (this run's listeners removed); a
   * session that failed or tripped is always disposed, so nothing half-evaluated is reused.
   */
  Outcome run(Supplier<KieSession> open, Consumer<KieSession> load, boolean keep) {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    AtomicBoolean disposed = new AtomicBoolean();
    Thread worker = new Thread(() -> {
      KieSession s = null;
      boolean succeeded = false;
      try {
        s = open.get();
        session.set(s);
        Counter counter = new Counter();
        InsertCounter insertCounter = new InsertCounter();
        s.addEventListener(counter);
        s.addEventListener(insertCounter);
        load.accept(s);
        counting = true; // from here on, inserts come from consequences
        if (tripped.get() == null) {
          s.fireAllRules();
        }
        if (keep) {
          s.removeEventListener(counter);
          s.removeEventListener(insertCounter);
        }
        succeeded = tripped.get() == null;
        done.complete(null);
      } catch (Throwable t) { // also ThreadDeath from a forced stop: the caller has already moved on
        done.complete(t);
      } finally {
        if (s != null && (!keep || !succeeded)) {
          dispose(s, disposed);
        }
      }
    }, threadName);
    worker.setDaemon(true); // never keeps the JVM from exiting
    worker.start();
    Throwable failure;
    boolean runaway = false;
    try {
      failure = done.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      trip("timeout", running != null ? running : Evaluator.mostFired(firings));
      runaway = !stop(worker, done);
      failure = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      trip("timeout", running);
      runaway = !stop(worker, done);
      failure = e;
    } catch (ExecutionException e) {
      failure = e.getCause();
    }
    String guard = tripped.get();
    if (keep && (guard != null || failure != null) && done.isDone() && session.get() != null) {
      // the worker finished (perhaps just before the trip): a kept session must not outlive a failed run
      dispose(session.get(), disposed);
    }
    if (guard != null) {
      String rule = trippingRule.get();
      return new Outcome(new GuardTrip(guard, rule, runaway), message(guard, rule, runaway), null);
    }
    return new Outcome(null, null, failure);
  }

  private static void dispose(KieSession s, AtomicBoolean disposed) {
    if (disposed.compareAndSet(false, true)) {
      try {
        s.dispose();
      } catch (RuntimeException e) {
        log.debug("disposing a stopped session failed", e);
      }
    }
  }

  /** Halts, interrupts, then forces; true when the worker ended within the grace periods. */
  @SuppressWarnings({"removal", "deprecation"})
  private boolean stop(Thread worker, CompletableFuture<Throwable> done) {
    KieSession s = session.get();
    if (s != null) {
      s.halt();
    }
    worker.interrupt();
    Duration grace = limits.timeout().dividedBy(2).compareTo(MAX_GRACE) < 0 ? limits.timeout().dividedBy(2) : MAX_GRACE;
    if (await(done, grace)) {
      return true;
    }
    try {
      // Nothing else ends a consequence such as while (true) {}. The thread touches nothing but its
      // own session, and the pack is quarantined, so no shared state is left half-changed.
      worker.stop();
      await(done, MAX_GRACE); // the stop lands at the thread's next safepoint, which a loaded machine may delay

    } catch (UnsupportedOperationException e) {
      // Java 20+: the thread stays, at the lowest priority; the pack is quarantined so it is never started again
      worker.setPriority(Thread.MIN_PRIORITY);
    }
    log.error("evaluation thread {} did not stop when asked{}", worker.getName(),
        worker.isAlive() ? " and is still running; if it does not end, restart to reclaim its CPU" : "; it was stopped");
    return false;
  }

  private static boolean await(CompletableFuture<Throwable> done, Duration wait) {
    try {
      done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return done.isDone();
    } catch (ExecutionException e) {
      return true;
    }
  }

  private void trip(String guard, String rule) {
    if (tripped.compareAndSet(null, guard)) {
      trippingRule.set(rule);
    }
    KieSession s = session.get();
    if (s != null) {
      s.halt();
    }
  }

  private String message(String guard, String rule, boolean runaway) {
    String which = switch (guard) {
      case "firings" -> "more than " + limits.maxFirings() + " rule firings (limits.maxFirings)";
      case "inserted_facts" -> "its rules inserted more than " + limits.maxInsertedFacts()
          + " facts (limits.maxInsertedFacts)";
      default -> "evaluation exceeded its time budget of " + human(limits.timeout()) + " (limits.timeout)";
    };
    String culprit;
    if (rule == null) {
      culprit = "";
    } else if (guard.equals("inserted_facts") || guard.equals("timeout") && rule.equals(running)) {
      culprit = "; rule '" + rule + "' was " + (guard.equals("timeout") ? "still running its consequence" : "inserting them")
          + " (fired " + firings.getOrDefault(rule, 0L) + " times before)";
    } else {
      culprit = "; rule '" + rule + "' fired most (" + firings.getOrDefault(rule, 0L) + " times)";
    }
    return which + culprit + (runaway ? "; its thread did not stop when asked, so the pack is quarantined until it changes"
        : "") + ". Results of this pack were discarded; its previous findings stand.";
  }

  /** 2s, 1m30s, 500ms: as a person would write it in pack.yaml. */
  static String human(Duration d) {
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT).replaceAll("\\.0+s", "s");
  }

  private final class Counter extends DefaultAgendaEventListener {
    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
      running = event.getMatch().getRule().getName();
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
      running = null;
      String rule = event.getMatch().getRule().getName();
      firings.merge(rule, 1L, Long::sum);
      if (fired.incrementAndGet() > limits.maxFirings()) {
        trip("firings", Evaluator.mostFired(firings));
      }
    }
  }

  private final class InsertCounter extends DefaultRuleRuntimeEventListener {
    @Override
    public void objectInserted(ObjectInsertedEvent event) {
      if (event.getObject() instanceof Violations.Reported) {
        return; // a report held by truth maintenance (incremental evaluation), not a fact the rules made up
      }
      if (counting && inserted.incrementAndGet() > limits.maxInsertedFacts()) {
        String rule = event.getRule() != null ? event.getRule().getName() : running;
        trip("inserted_facts", rule);
        throw new Tripped("more than " + limits.maxInsertedFacts() + " inserted facts");
      }
    }
  }
}
