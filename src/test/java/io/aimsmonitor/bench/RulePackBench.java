package io.aimsmonitor.bench;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violations;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Evaluation alone, per rule pack, without the store: the shipped packs over the synthetic
 * registry of {@link EvaluationBench} (N model versions, one in 20 in production). Shows which
 * pack (or rule) a slow evaluation comes from.
 *
 * <ul>
 *   <li>{@code full} (default): a fresh session per pack over every fact, as replay and the first
 *       evaluation do.</li>
 *   <li>{@code update}: the 1% change of {@link ScaleBench} (every hundredth version, training run
 *       and CI run differs) given to each pack's long-lived session as the scheduled evaluation
 *       gives it: {@code update} of each changed fact, then {@code fireAllRules}, with reports
 *       inserted logically. The session is built once; the rounds switch it between the registry and
 *       its changed variant. Comparing the snapshots (the same for every pack) is left out.</li>
 *   <li>{@code rules}: as {@code update}, but for every rule alone (a pack of the rule, with the
 *       pack's {@code @derives} rules it may read), which says which rules the time goes to.</li>
 *   <li>{@code live}: the 1% change through {@link Evaluator#evaluateLive} itself, every pack in
 *       turn, back and forth: what the scheduled evaluation's "rules N ms" measures, with the guard
 *       threads, listeners, report tracking and fact handle look-ups (and the snapshot comparison),
 *       as medians of wall time and of the process's CPU time (GC and compiler threads included).</li>
 * </ul>
 *
 * Apart from {@code live}, sessions run on the calling thread, without the evaluator's guard thread
 * and listeners: this is the rules' own cost, given as medians of CPU time (robust on a shared
 * machine), wall time and bytes allocated.
 *
 * <p>Run: {@code bench/run RulePackBench [versions] [rounds] [full|update|rules|live]} (default 10000 7
 * full; two warm-up rounds first); {@code -Daims.bench.packs=aims-data,aims-lifecycle} measures only those packs.
 */
public final class RulePackBench {

  /** Medians of the measured rounds. */
  record Rounds(long wallMs, long cpuMs, long allocatedMb, int violations) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    String mode = args.length > 2 ? args[2] : "full";
    Path rules = Path.of(System.getProperty("aims.bench.rules", "rules"));
    List<RulePack> packs = load(rules);
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    List<Fact> facts = EvaluationBench.registry(n, now);
    List<Fact> changed = EvaluationBench.registry(n, now, true);
    String what = mode.equals("full") ? "evaluation" : "1% update";
    String unit = mode.equals("rules") ? "rule" : "pack";
    System.out.printf("| %s | violations | %s, CPU | wall | allocated |%n| --- | ---: | ---: | ---: | ---: |%n", unit, what);
    long cpu = 0;
    long wall = 0;
    String only = System.getProperty("aims.bench.packs", "");
    if (mode.equals("live")) {
      List<RulePack> chosen = packs.stream().filter(p -> only.isEmpty() || List.of(only.split(",")).contains(p.name()))
          .toList();
      Rounds r = liveRounds(chosen, facts, changed, now, rounds);
      System.out.printf("| all, through the evaluator (%,d facts) | %,d | %d ms | %d ms | |%n", facts.size(),
          r.violations(), r.cpuMs(), r.wallMs());
      return;
    }
    for (RulePack pack : packs) {
      if (!only.isEmpty() && !List.of(only.split(",")).contains(pack.name())) {
        continue;
      }
      if (mode.equals("rules")) {
        for (RulePack one : perRule(rules, pack)) {
          Rounds r = updateRounds(one, facts, changed, now, rounds);
          System.out.printf("| %s | %,d | %d ms | %d ms | %d MB |%n", ruleOf(one), r.violations(), r.cpuMs(), r.wallMs(),
              r.allocatedMb());
        }
        continue;
      }
      Rounds r = mode.equals("update") ? updateRounds(pack, facts, changed, now, rounds) : fullRounds(pack, facts, now, rounds);
      cpu += r.cpuMs();
      wall += r.wallMs();
      System.out.printf("| %s (%d rules) | %,d | %d ms | %d ms | %d MB |%n", pack.name(), pack.rules().size(),
          r.violations(), r.cpuMs(), r.wallMs(), r.allocatedMb());
    }
    if (!mode.equals("rules")) {
      System.out.printf("| all (%,d facts) | | %d ms | %d ms | |%n", facts.size(), cpu, wall);
    }
  }

  private static List<RulePack> load(Path rules) {
    RuleBook book = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), Clock.systemUTC());
    book.reload();
    return book.packs();
  }

  /** A fresh session per round over every fact, as {@link Evaluator#evaluate} opens one (without its guard thread). */
  private static Rounds fullRounds(RulePack pack, List<Fact> facts, Instant now, int rounds) {
    List<long[]> samples = new ArrayList<>();
    int violations = 0;
    for (int round = -2; round < rounds; round++) {
      System.gc();
      long[] start = sample();
      Violations reports = new Violations();
      KieSession session = open(pack, reports, now);
      try {
        facts.forEach(session::insert);
        session.fireAllRules();
      } finally {
        session.dispose();
      }
      if (round >= 0) {
        samples.add(since(start));
      }
      violations = reports.reported().size();
    }
    return medians(samples, violations);
  }

  private static KieSession open(RulePack pack, Violations violations, Instant now) {
    KieSession session = pack.kieBase().newKieSession();
    session.setGlobal("violations", violations);
    setIfDeclared(session, "now", now);
    pack.parameterValues().forEach((name, value) -> setIfDeclared(session, name, value));
    return session;
  }

  /** One pack's long-lived session given the 1% change, back and forth. */
  private static Rounds updateRounds(RulePack pack, List<Fact> facts, List<Fact> changed, Instant now, int rounds)
      throws Exception {
    Violations violations = logicalViolations();
    KieSession session = open(pack, violations, now);
    try {
      session.addEventListener(tracker(violations));
      List<FactHandle> handles = new ArrayList<>(facts.size());
      for (Fact f : facts) {
        handles.add(session.insert(f));
      }
      session.fireAllRules();
      List<Integer> differing = new ArrayList<>();
      for (int i = 0; i < facts.size(); i++) {
        if (!facts.get(i).equals(changed.get(i))) {
          differing.add(i);
        }
      }
      List<long[]> samples = new ArrayList<>();
      for (int round = -2; round < rounds; round++) {
        List<Fact> to = round % 2 == 0 ? changed : facts;
        System.gc(); // the previous round's garbage is not this round's cost
        long[] start = sample();
        for (int i : differing) {
          session.update(handles.get(i), to.get(i));
        }
        session.fireAllRules();
        if (round >= 0) {
          samples.add(since(start));
        }
      }
      return medians(samples, violations.reported().size());
    } finally {
      session.dispose();
    }
  }

  /**
   * Every pack's long-lived session in an {@link Evaluator}, given the 1% change back and forth.
   * The work runs on the evaluator's threads, so CPU time and allocation are the process's.
   */
  private static Rounds liveRounds(List<RulePack> packs, List<Fact> facts, List<Fact> changed, Instant now, int rounds) {
    Evaluator evaluator = new Evaluator();
    long started = System.nanoTime();
    evaluator.evaluateLive(packs, facts, now);
    System.out.printf("first evaluation: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<long[]> samples = new ArrayList<>();
    int violations = 0;
    for (int round = -2; round < rounds; round++) {
      List<Fact> to = round % 2 == 0 ? changed : facts;
      System.gc();
      long wall = System.nanoTime();
      long cpu = os.getProcessCpuTime();
      long mainCpu = threads.getCurrentThreadCpuTime();
      List<Evaluator.PackResult> results = evaluator.evaluateLive(packs, to, now);
      if (round >= 0) {
        long main = threads.getCurrentThreadCpuTime() - mainCpu;
        // [wall, process CPU, the calling thread's CPU (the snapshot comparison, the delta), the rest:
        // the evaluation threads, plus whatever GC and the compiler did meanwhile]
        samples.add(new long[] {System.nanoTime() - wall, os.getProcessCpuTime() - cpu, main,
            os.getProcessCpuTime() - cpu - main});
      }
      violations = results.stream().mapToInt(r -> r.violations().size()).sum();
    }
    System.out.printf("CPU medians: calling thread %d ms, other threads %d ms%n", median(samples, 2) / 1_000_000,
        median(samples, 3) / 1_000_000);
    return new Rounds(median(samples, 0) / 1_000_000, median(samples, 1) / 1_000_000, 0, violations);
  }

  /** Logical reports as in a long-lived session of the evaluator (package-private there, so reached reflectively). */
  private static Violations logicalViolations() throws Exception {
    Method logical = Violations.class.getDeclaredMethod("logical");
    logical.setAccessible(true);
    return (Violations) logical.invoke(null);
  }

  private static RuleRuntimeEventListener tracker(Violations violations) throws Exception {
    Method tracker = Violations.class.getDeclaredMethod("tracker");
    tracker.setAccessible(true);
    return (RuleRuntimeEventListener) tracker.invoke(violations);
  }

  private static void setIfDeclared(KieSession session, String name, Object value) {
    boolean declared = session.getKieBase().getKiePackages().stream()
        .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(name)));
    if (declared) {
      session.setGlobal(name, value);
    }
  }

  /**
   * One pack per rule of {@code pack}: the DRL's header (imports, globals, declarations, functions),
   * the pack's {@code @derives} rules and the rule. Derived facts cost their deriving rule once per
   * rule here, which is why those rows are listed on their own too.
   */
  private static List<RulePack> perRule(Path rules, RulePack pack) throws Exception {
    Path drlFile;
    try (var files = Files.list(pack.directory())) {
      drlFile = files.filter(p -> p.toString().endsWith(".drl")).findFirst().orElseThrow();
    }
    String drl = Files.readString(drlFile);
    int firstRule = drl.indexOf("\nrule \"");
    String header = drl.substring(0, firstRule + 1);
    Matcher m = Pattern.compile("(?ms)^rule \"([^\"]+)\".*?^end\\s*$").matcher(drl);
    List<String> derives = new ArrayList<>();
    Map<String, String> bodies = new java.util.LinkedHashMap<>();
    while (m.find()) {
      bodies.put(m.group(1), m.group());
      if (m.group().contains("@derives(")) {
        derives.add(m.group());
      }
    }
    List<RulePack> out = new ArrayList<>();
    for (Map.Entry<String, String> rule : bodies.entrySet()) {
      if (derives.contains(rule.getValue())) {
        continue; // a pack of only @derives rules does not load: they are measured with every rule of their pack
      }
      StringBuilder text = new StringBuilder(header);
      derives.forEach(d -> text.append(d).append("\n\n"));
      text.append(rule.getValue()).append("\n");
      Path dir = Files.createTempDirectory("aims-rule");
      Path one = Files.createDirectories(dir.resolve(pack.name()));
      Files.copy(pack.directory().resolve("pack.yaml"), one.resolve("pack.yaml"));
      Files.writeString(one.resolve(drlFile.getFileName().toString()), text);
      List<RulePack> loaded = load(dir);
      if (loaded.size() != 1) {
        throw new IllegalStateException("rule " + rule.getKey() + " did not load alone");
      }
      out.add(withName(loaded.get(0), rule.getKey()));
    }
    return out;
  }

  private static RulePack withName(RulePack p, String rule) {
    return new RulePack(rule, p.version(), p.description(), p.contentHash(), p.directory(), p.parameters(),
        p.parameterValues(), p.rules(), p.kieBase(), p.limits(), p.shadow(), p.factTypes());
  }

  private static String ruleOf(RulePack onePack) {
    return onePack.name();
  }

  private static long[] sample() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return new long[] {System.nanoTime(), threads.getCurrentThreadCpuTime(), threads.getCurrentThreadAllocatedBytes()};
  }

  private static long[] since(long[] start) {
    long[] end = sample();
    return new long[] {end[0] - start[0], end[1] - start[1], end[2] - start[2]};
  }

  private static Rounds medians(List<long[]> samples, int violations) {
    return new Rounds(median(samples, 0) / 1_000_000, median(samples, 1) / 1_000_000, median(samples, 2) >> 20,
        violations);
  }

  private static long median(List<long[]> samples, int at) {
    List<Long> values = new ArrayList<>();
    samples.forEach(s -> values.add(s[at]));
    Collections.sort(values);
    return values.get(values.size() / 2);
  }
}
