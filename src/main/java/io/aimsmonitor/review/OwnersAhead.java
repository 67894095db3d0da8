package io.aimsmonitor.review;

import io.aimsmonitor.fact.Fact;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The owners from every fact ({@link SubjectOwners#of}), computed on a thread of their own while the
 * store writes the reconciliation, and taken by the review sync after it ({@link #join}). WHY (issue
 * #14): at 1,000,000 facts on H2 they were 2.3-5.0 s of the first evaluation's store phase, after
 * 40-57 s of writes that keep one of the machine's two cores busy; taken beside those writes they
 * leave the sync's critical path. The same computation over the same facts as before, on another
 * thread: the owners are the same, and they were kept from the sync on anyway, so the heap holds
 * them some seconds earlier, not twice.
 *
 * <p>One thread per computation, from an executor shut down as soon as it is given its task, so
 * that the thread ends with the task. {@link #close} cancels a computation no one joined (the
 * store failed first) and waits for its thread: none outlives the store that started it.
 */
final class OwnersAhead implements AutoCloseable {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private final ExecutorService executor;
  /** The executor's one thread, made as the task is submitted: joined on close. */
  private Thread thread;
  private final Future<SubjectOwners> owners;
  /** The computation's own wall and CPU time, for the sync's log line; set by its thread before it ends. */
  private volatile String took = "not finished";

  private OwnersAhead(List<Fact> facts, Function<List<Fact>, SubjectOwners> of) {
    executor = Executors.newSingleThreadExecutor(task -> {
      thread = new Thread(task, "aims-owners");
      thread.setDaemon(true); // never keeps a JVM that is exiting alive
      return thread;
    });
    owners = executor.submit(() -> {
      long t0 = System.nanoTime();
      long cpu0 = CPU.getCurrentThreadCpuTime();
      try {
        return of.apply(facts);
      } finally {
        took = (System.nanoTime() - t0) / 1_000_000 + " ms (CPU " + (CPU.getCurrentThreadCpuTime() - cpu0) / 1_000_000
            + " ms)";
      }
    });
    executor.shutdown();
  }

  /** Starts {@link SubjectOwners#of}{@code (facts)}; {@code facts} must not change until it is joined or closed. */
  static OwnersAhead start(List<Fact> facts) {
    return start(facts, SubjectOwners::of);
  }

  /** As {@link #start(List)} with another computation: for tests of its failure. */
  static OwnersAhead start(List<Fact> facts, Function<List<Fact>, SubjectOwners> of) {
    return new OwnersAhead(facts, of);
  }

  /**
   * The owners, once computed. A failure of the computation is thrown here, to the caller, as its
   * own: an error as it was, an exception wrapped (with it as the cause) so that the sync fails.
   */
  SubjectOwners join() {
    try {
      return owners.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("the owners from every fact (default assignees) failed: " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the owners from every fact", e);
    }
  }

  /** The computation's own wall and thread CPU time, as the sync's log line gives it. */
  String took() {
    return took;
  }

  /**
   * Cancels the computation if it still runs (nothing joined it) and waits for its thread to end
   * (not only the executor: its last worker is still alive when the executor says it terminated).
   * WHY wait: a store that failed must not leave a computation over every fact running into the next
   * evaluation, on the heap and the core that one needs; it takes what the sync would have taken.
   */
  @Override
  public void close() {
    owners.cancel(true);
    executor.shutdownNow();
    try {
      // SubjectOwners.of does not look at interrupts: it ends when it has gone over the facts
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether its thread has ended: for tests. */
  boolean ended() {
    return !thread.isAlive();
  }
}
