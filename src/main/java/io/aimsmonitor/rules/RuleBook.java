package io.aimsmonitor.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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

  /** Packs in force, by name order. */
  public List<RulePack> packs() {
    return List.copyOf(state.packs.values());
  }

  /** Packs whose latest files were rejected (their previous version, if any, is still in force). */
  public Map<String, Rejection> rejected() {
    return state.rejected;
  }

  /** All rules in force, by id. */
  public Map<String, RuleDefinition> rules() {
    Map<String, RuleDefinition> all = new LinkedHashMap<>();
    state.packs.values().forEach(p -> p.rules().forEach(r -> all.put(r.id(), r)));
    return all;
  }

  public Optional<RuleDefinition> rule(String id) {
    return Optional.ofNullable(rules().get(id));
  }

  /** True when a pack folder was added, removed or changed since the last reload. */
  public boolean changedOnDisk() {
    try {
      Map<String, String> onDisk = scanHashes();
      Map<String, String> known = new TreeMap<>();
      state.packs.forEach((name, pack) -> known.put(name, pack.contentHash()));
      state.rejected.forEach((name, r) -> known.put(name, r.contentHash()));
      return !onDisk.equals(known);
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
    for (var entry : onDisk.entrySet()) {
      String name = entry.getKey();
      RulePack old = packs.get(name);
      if (old != null && old.contentHash().equals(entry.getValue())) {
        unchanged.add(name);
        continue;
      }
      Rejection previous = current.rejected.get(name);
      if (previous != null && previous.contentHash().equals(entry.getValue())) {
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
    state = new State(Map.copyOf(packs), Map.copyOf(rejected));
    return new ReloadReport(loaded, unchanged, List.copyOf(rejected.values()), removed);
  }

  private static List<String> clashes(RulePack pack, Map<String, RulePack> others) {
    List<String> out = new ArrayList<>();
    for (RulePack other : others.values()) {
      if (other.name().equals(pack.name())) {
        continue;
      }
      for (RuleDefinition rule : pack.rules()) {
        if (other.rules().stream().anyMatch(r -> r.id().equals(rule.id()))) {
          out.add(pack.directory() + ": rule \"" + rule.id() + "\" is already defined by pack '" + other.name()
              + "' (rule ids must be unique: they are part of every finding's identity)");
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
