package io.aimsmonitor.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule packs in force, read from the rules folder (one sub-folder per pack). A reload
 * compiles only packs whose content changed; a pack that fails to load is recorded as rejected
 * and its last good version stays in force, so a typo in production never switches rules off.
 */
public final class RuleBook {

  private static final Logger log = LoggerFactory.getLogger(RuleBook.class);

  /** A pack whose current files were refused, with the reasons. */
  public record Rejection(String pack, String contentHash, List<String> problems, Instant at) {}

  /** What one reload did. */
  public record ReloadReport(List<String> loaded, List<String> unchanged, List<Rejection> rejected, List<String> removed) {
    public boolean changed() {
      return !loaded.isEmpty() || !removed.isEmpty();
    }
  }

  private record State(Map<String, RulePack> packs, Map<String, Rejection> rejected) {}

  private final Path rulesDir;
  private final RulePackLoader loader;
  private final Map<String, Map<String, Object>> parameterOverrides;
  private final Clock clock;
  private volatile State state = new State(Map.of(), Map.of());

  public RuleBook(Path rulesDir, RulePackLoader loader, Map<String, Map<String, Object>> parameterOverrides, Clock clock) {
    this.rulesDir = rulesDir;
    this.loader = loader;
    this.parameterOverrides = parameterOverrides;
    this.clock = clock;
  }

  public Path rulesDir() {
    return rulesDir;
  }

  /**
   * Live packs in force, by name order: the ones whose violations become findings. Shadow packs
   * are not among them, so nothing that reads this (evaluation, controls, metrics, exports) sees them.
   */
  public List<RulePack> packs() {
    return state.packs.values().stream().filter(p -> !p.shadow()).toList();
  }

  /** Shadow packs in force ({@code shadow: true} in pack.yaml), by name order: evaluated and reported only. */
  public List<RulePack> shadowPacks() {
    return state.packs.values().stream().filter(RulePack::shadow).toList();
  }

  /** Every pack in force, live and shadow, by name order: what validation, rule tests and listings show. */
  public List<RulePack> allPacks() {
    return List.copyOf(state.packs.values());
  }

  /** Packs whose latest files were rejected (their previous version, if any, is still in force). */
  public Map<String, Rejection> rejected() {
    return state.rejected;
  }

  /** All rules of the live packs in force, by id (a shadow pack's rules are not in force). */
  public Map<String, RuleDefinition> rules() {
    Map<String, RuleDefinition> all = new LinkedHashMap<>();
    packs().forEach(p -> p.rules().forEach(r -> all.put(r.id(), r)));
    return all;
  }

  public Optional<RuleDefinition> rule(String id) {
    return Optional.ofNullable(rules().get(id));
  }

  /** True when a pack folder was added, removed or changed since the last reload. */
  public boolean changedOnDisk() {
    try {
      return !scanHashes().equals(known(state));
    } catch (IOException e) {
      return false;
    }
  }

  /** Re-reads the rules folder. Safe to call from several threads; reloads run one at a time. */
  public synchronized ReloadReport reload() {
    State current = state;
    Map<String, RulePack> packs = new TreeMap<>(current.packs);
    Map<String, Rejection> rejected = new TreeMap<>();
    List<String> loaded = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, String> onDisk;
    try {
      onDisk = scanHashes();
    } catch (IOException e) {
      Rejection r = new Rejection("*", "", List.of(rulesDir + ": cannot read the rules folder: " + e.getMessage()), clock.instant());
      log.error("rules folder unreadable, keeping all packs in force: {}", e.getMessage());
      state = new State(current.packs, Map.of("*", r));
      return new ReloadReport(List.of(), List.copyOf(current.packs.keySet()), List.of(r), List.of());
    }
    for (String name : List.copyOf(packs.keySet())) {
      if (!onDisk.containsKey(name)) {
        packs.remove(name);
        removed.add(name);
      }
    }
    // a rejection can depend on the other packs (a rule id clash): re-check it when any pack changed
    boolean othersChanged = !onDisk.equals(known(current));
    for (var entry : onDisk.entrySet()) {
      String name = entry.getKey();
      RulePack old = packs.get(name);
      if (old != null && old.contentHash().equals(entry.getValue())) {
        unchanged.add(name);
        continue;
      }
      Rejection previous = current.rejected.get(name);
      if (previous != null && previous.contentHash().equals(entry.getValue()) && !othersChanged) {
        rejected.put(name, previous); // same broken files as last time: no need to recompile
        continue;
      }
      try {
        RulePack pack = loader.load(rulesDir.resolve(name), parameterOverrides.getOrDefault(name, Map.of()));
        List<String> clashes = clashes(pack, packs);
        if (!clashes.isEmpty()) {
          throw new RulePackException(name, clashes);
        }
        packs.put(name, pack);
        loaded.add(name);
        log.info("rule pack '{}' loaded: {} rules, version {}", name, pack.rules().size(), pack.shortHash());
      } catch (RulePackException e) {
        rejected.put(name, new Rejection(name, entry.getValue(), e.problems(), clock.instant()));
        log.error("{}{}", e.getMessage(), old == null ? "" : System.lineSeparator() + "  version " + old.shortHash()
            + " stays in force");
      }
    }
    // in name order, as packs() promises: Map.copyOf would give an order that changes from one JVM
    // to the next, and with it the order of evaluation, of rules in exports (SARIF's ruleIndex) and of the API's lists
    state = new State(Collections.unmodifiableMap(packs), Collections.unmodifiableMap(rejected));
    return new ReloadReport(loaded, unchanged, List.copyOf(rejected.values()), removed);
  }

  /** Pack name to the content hash last seen, loaded or rejected. */
  private static Map<String, String> known(State state) {
    Map<String, String> known = new TreeMap<>();
    state.packs.forEach((name, pack) -> known.put(name, pack.contentHash()));
    state.rejected.forEach((name, r) -> known.put(name, r.contentHash()));
    return known;
  }

  /**
   * Rule ids the pack shares with another pack of the same kind. A shadow pack may reuse a live
   * rule's id (a candidate revision of that rule, compared against its findings); promoting it while
   * the live pack still defines the id is then refused here, and the shadow version stays in force.
   */
  private static List<String> clashes(RulePack pack, Map<String, RulePack> others) {
    List<String> out = new ArrayList<>();
    for (RulePack other : others.values()) {
      if (other.name().equals(pack.name()) || other.shadow() != pack.shadow()) {
        continue;
      }
      for (RuleDefinition rule : pack.rules()) {
        if (other.rules().stream().anyMatch(r -> r.id().equals(rule.id()))) {
          out.add(pack.directory() + ": rule \"" + rule.id() + "\" is already defined by pack '" + other.name()
              + "' (rule ids must be unique" + (pack.shadow() ? " among shadow packs" : "")
              + ": they are part of every finding's identity)");
        }
      }
    }
    return out;
  }

  private Map<String, String> scanHashes() throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    if (!Files.isDirectory(rulesDir)) {
      throw new IOException(rulesDir + " is not a folder");
    }
    try (Stream<Path> dirs = Files.list(rulesDir)) {
      for (Path dir : dirs.filter(Files::isDirectory).filter(RulePackLoader::isPack).sorted().toList()) {
        hashes.put(dir.getFileName().toString(), RulePackLoader.contentHash(dir));
      }
    }
    return hashes;
  }
}
