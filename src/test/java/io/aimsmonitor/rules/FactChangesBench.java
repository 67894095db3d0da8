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
 * Then the same estate re-stamped in every generation, as connectors stamp every fact with their
 * run's start: given as collected (every fact a new object) and as the store hands it on (a copy of
 * the previous object with the new time, sharing its other components).
 * Given as the store hands it on, also with which facts are copies of which said, as
 * {@code MonitorService} passes it through a scope ("copies said"), and said as stretches of positions,
 * as {@code MonitorService} passes {@code SnapshotRepository.takeCarried} on ("stretches said").
 * {@code java -cp "$cp" io.aimsmonitor.rules.FactChangesBench 115385} (model versions; 300,000 facts),
 * {@code ... 115385 restamped} for the last alone.
 */
public final class FactChangesBench {

  private FactChangesBench() {}

  public static void main(String[] args) throws Exception {
    int versions = args.length > 0 ? Integer.parseInt(args[0]) : 115_385;
    // "restamped": only the re-stamped estate as the store hands it on (the 1% cycle's comparison
    // now), without the full comparison's slow cycles
    boolean restampedOnly = args.length > 1 && args[1].equals("restamped");
    Method registry = Class.forName("io.aimsmonitor.bench.EvaluationBench")
        .getDeclaredMethod("registry", int.class, Instant.class, boolean.class);
    registry.setAccessible(true);
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    @SuppressWarnings("unchecked")
    List<Fact> estate = (List<Fact>) registry.invoke(null, versions, now, false);
    registry = Class.forName("io.aimsmonitor.bench.EvaluationBench")
        .getDeclaredMethod("registry", int.class, Instant.class, boolean.class, Instant.class);
    registry.setAccessible(true);
    @SuppressWarnings("unchecked")
    List<Fact> changed = (List<Fact>) registry.invoke(null, versions, now, true, now);
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
    if (!restampedOnly) {
      byReference(estate, changed, handedOn);
    }
    reStamped(versions, now, restampedOnly);
  }

  /** The full comparison against the comparison by reference, unchanged facts handed on as the objects given before. */
  private static void byReference(List<Fact> estate, List<Fact> changed, List<Fact> handedOn) {
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

  /**
   * Re-stamped: every generation collected anew at its own time, as connectors stamp every fact,
   * 1% changed each way; given as collected (every fact a new object, compared by content) and
   * as the store hands them on (a copy of the previous object with the new time, see
   * SnapshotRows.reuse); only the latter with {@code handedOnOnly}. The order is by content
   * without the observation time, as the store's.
   */
  private static void reStamped(int versions, Instant now, boolean handedOnOnly) throws Exception {
    Method registry = Class.forName("io.aimsmonitor.bench.EvaluationBench")
        .getDeclaredMethod("registry", int.class, Instant.class, boolean.class, Instant.class);
    registry.setAccessible(true);
    // 0: as collected; 1: handed on; 2: handed on, and which facts are copies of which said fact by
    // fact (as MonitorService passes it through a scope that drops facts); 3: handed on, and what
    // was carried over said in stretches (as MonitorService passes SnapshotRepository.takeCarried
    // on); 2 and 3 alternated when alone
    for (int mode : handedOnOnly ? new int[] {2, 3, 2, 3} : new int[] {0, 1, 2, 3}) {
      held = new FactChanges();
      FactChanges changes = (FactChanges) held;
      List<Fact> previous = null;
      String name = mode == 0 ? "re-stamped, as collected" : mode == 1 ? "re-stamped, handed on"
          : mode == 2 ? "re-stamped, handed on, copies said" : "re-stamped, handed on, stretches said";
      for (int round = 0; round < 9; round++) {
        @SuppressWarnings("unchecked")
        List<Fact> collected = (List<Fact>) registry.invoke(null, versions, now, round % 2 == 1,
            now.plus(java.time.Duration.ofMinutes(round)));
        collected.sort(java.util.Comparator.comparingInt(FactChangesBench::contentHash));
        Fact[] copiedFrom = mode >= 2 ? new Fact[collected.size()] : null;
        List<Fact> facts = mode > 0 && previous != null ? restampedFrom(previous, collected, copiedFrom) : collected;
        FactOrigins origins = mode == 2 ? new FactOrigins(List.of(), copiedFrom) : mode < 2 ? FactOrigins.NONE
            : new FactOrigins(List.of(new FactOrigins.Part(0, facts,
                previous == null ? null : carried(previous, copiedFrom))), null);
        previous = facts;
        collected = null;
        // round 0 is a first evaluation's comparison (nothing held: every fact inserted), reported too
        measureOnce(round == 0 ? "first comparison, nothing held" : name, f -> changes.next(f, origins), facts,
            round == 0 || round >= 5);
        if (round >= 5) {
          System.out.printf(Locale.ROOT, "  compared by key and content: %,d%n", changes.compared());
        }
      }
      System.out.printf(Locale.ROOT, "retained by the comparison after a cycle (%s): %,d MB%n", name,
          retainedByHeld() / (1 << 20));
    }
  }

  /** {@code copiedFrom} (objects of {@code previous}) as the store says it: stretches of positions. */
  private static io.aimsmonitor.fact.CarriedOver carried(List<Fact> previous, Fact[] copiedFrom) {
    Map<Fact, Integer> at = new java.util.IdentityHashMap<>();
    for (int j = 0; j < previous.size(); j++) {
      at.put(previous.get(j), j);
    }
    int[] stretches = new int[3 * copiedFrom.length];
    int count = 0;
    for (int i = 0; i < copiedFrom.length; i++) {
      Integer j = copiedFrom[i] == null ? null : at.get(copiedFrom[i]);
      if (j == null) {
        continue;
      }
      if (count > 0 && stretches[count - 3] + stretches[count - 1] == i && stretches[count - 2] + stretches[count - 1] == j
          && j > stretches[count - 2]) {
        stretches[count - 1]++;
      } else if (count == 0 || j >= stretches[count - 2] + stretches[count - 1]) { // in order only, as the store's
        stretches[count++] = i;
        stretches[count++] = j;
        stretches[count++] = 1;
      }
    }
    return new io.aimsmonitor.fact.CarriedOver(previous, java.util.Arrays.copyOf(stretches, count));
  }

  private static int contentHash(Fact fact) {
    return fact.withOrigin(fact.source(), Instant.EPOCH).hashCode();
  }

  /**
   * {@code collected} with each fact equal to one of {@code previous} apart from its observation
   * time replaced by a copy of that one with the new time, as {@code SnapshotRows.reuse} hands it on.
   */
  private static List<Fact> restampedFrom(List<Fact> previous, List<Fact> collected, Fact[] copiedFrom) {
    Map<Fact, Fact> byContent = new HashMap<>();
    previous.forEach(f -> byContent.putIfAbsent(f.withOrigin(f.source(), Instant.EPOCH), f));
    List<Fact> out = new ArrayList<>(collected.size());
    for (Fact f : collected) {
      Fact before = byContent.get(f.withOrigin(f.source(), Instant.EPOCH));
      if (before != null && copiedFrom != null) {
        copiedFrom[out.size()] = before; // the object the copy was made from, as SnapshotRows.reuse says
      }
      out.add(before == null ? f : before.withOrigin(before.source(), f.observedAt()));
    }
    return out;
  }

  private static void measureOnce(String name, Function<List<Fact>, ?> next, List<Fact> facts, boolean report) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getCurrentThreadAllocatedBytes();
    long wall = System.nanoTime();
    next.apply(facts);
    if (report) {
      System.out.printf(Locale.ROOT, "%s: cpu %,d ms, wall %,d ms, allocated %,d MB%n", name,
          (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000, (System.nanoTime() - wall) / 1_000_000,
          (threads.getCurrentThreadAllocatedBytes() - allocated) / (1 << 20));
    }
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
