package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The 1% cycle's fact comparison alone, in CPU time, allocation and retained heap, without the
 * store and the rules around it (a shared machine's wall time says little): the comparison of every
 * fact ({@link FullFactChanges}, as before 1 December 2026) against {@link FactChanges} given the
 * unchanged facts as the objects it was given before, as {@code SnapshotRepository} hands them on.
 * {@code java -cp "$cp" io.aimsmonitor.rules.FactChangesBench 115385} (model versions; 300,000 facts).
 */
public final class FactChangesBench {

  private FactChangesBench() {}

  public static void main(String[] args) throws Exception {
    int versions = args.length > 0 ? Integer.parseInt(args[0]) : 115_385;
    Method registry = Class.forName("io.aimsmonitor.bench.EvaluationBench")
        .getDeclaredMethod("registry", int.class, Instant.class, boolean.class);
    registry.setAccessible(true);
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    @SuppressWarnings("unchecked")
    List<Fact> estate = (List<Fact>) registry.invoke(null, versions, now, false);
    @SuppressWarnings("unchecked")
    List<Fact> changed = (List<Fact>) registry.invoke(null, versions, now, true);
    // in an order by content, as snapshots are (by the hash of each stored fact): a changed fact moves
    estate.sort(java.util.Comparator.comparingInt(Object::hashCode));
    changed.sort(java.util.Comparator.comparingInt(Object::hashCode));
    Map<Fact, Fact> first = new HashMap<>();
    estate.forEach(f -> first.putIfAbsent(f, f));
    List<Fact> handedOn = new ArrayList<>(changed.size()); // what the store hands on: unchanged facts as before
    changed.forEach(f -> handedOn.add(first.getOrDefault(f, f)));
    first.clear();
    long kept = 0;
    java.util.Set<Fact> before = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    before.addAll(estate);
    for (Fact f : handedOn) {
      kept += before.contains(f) ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "%,d facts, %,d of them new objects (changed)%n", estate.size(), estate.size() - kept);

    held = new FullFactChanges();
    measure("full comparison", ((FullFactChanges) held)::next, estate, changed);
    long fullHeap = retainedByHeld();
    held = new FactChanges();
    measure("by reference", ((FactChanges) held)::next, estate, handedOn);
    System.out.printf(Locale.ROOT, "  compared by key and content: %,d%n", ((FactChanges) held).compared());
    long deltaHeap = retainedByHeld();
    System.out.printf(Locale.ROOT, "retained by the comparison after a cycle: full %,d MB, by reference %,d MB%n",
        fullHeap / (1 << 20), deltaHeap / (1 << 20));
  }

  /** The comparison measured; a field, so that dropping it is certain. */
  private static Object held;

  /** Alternates the two generations (1% changed each way); reports the later, warmed-up cycles. */
  private static void measure(String name, Function<List<Fact>, ?> next, List<Fact> estate, List<Fact> changed) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    next.apply(estate);
    for (int round = 0; round < 8; round++) {
      List<Fact> facts = round % 2 == 0 ? changed : estate;
      long cpu = threads.getCurrentThreadCpuTime();
      long allocated = threads.getCurrentThreadAllocatedBytes();
      long wall = System.nanoTime();
      next.apply(facts);
      if (round >= 4) {
        System.out.printf(Locale.ROOT, "%s: cpu %,d ms, wall %,d ms, allocated %,d MB%n", name,
            (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000, (System.nanoTime() - wall) / 1_000_000,
            (threads.getCurrentThreadAllocatedBytes() - allocated) / (1 << 20));
      }
    }
  }

  /** The heap {@link #held} keeps alive beyond the facts: used heap after a full GC with and without it. */
  private static long retainedByHeld() {
    long with = usedAfterGc();
    held = null;
    return with - usedAfterGc();
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
