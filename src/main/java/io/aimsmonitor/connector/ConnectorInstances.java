package io.aimsmonitor.connector;

import io.aimsmonitor.fact.Fact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector instances configured in the connectors folder, with their types. The folder is
 * read strictly at start (any problem stops the start, as {@code validate} would report it) and
 * leniently on {@link #reload()} while the service runs: a file that became invalid is rejected,
 * its previous version stays in force and the problem is kept for {@code /api/connectors}; an
 * added, changed or removed file takes effect.
 */
public final class ConnectorInstances {

  private static final Logger log = LoggerFactory.getLogger(ConnectorInstances.class);

  /**
   * A file rejected on reload.
   *
   * @param keptId the id of the instance whose previous version stays in force, or null for a new file
   */
  public record Rejection(Path file, String keptId, List<String> problems) {
    public Rejection {
      problems = List.copyOf(problems);
    }
  }

  /** What a reload changed, by instance id, and the files it rejected. */
  public record ReloadReport(List<String> added, List<String> changed, List<String> removed, List<Rejection> rejected) {
    public boolean changedAny() {
      return !added.isEmpty() || !changed.isEmpty() || !removed.isEmpty();
    }
  }

  private record State(List<ConnectorConfig> configs, List<Rejection> rejected, String hash) {}

  private final Path directory;
  private final ConnectorTypes types;
  private final ConnectorConfigLoader loader;
  private final UnaryOperator<ConnectorConfig> wiring;
  private volatile State state;

  /** Fixed instances (tests, benchmarks); {@link #reload()} reads {@code directory} with no demo servers. */
  public ConnectorInstances(Path directory, List<ConnectorConfig> configs, ConnectorTypes types) {
    this(directory, configs, types, new ConnectorConfigLoader(types), UnaryOperator.identity());
  }

  private ConnectorInstances(Path directory, List<ConnectorConfig> configs, ConnectorTypes types,
      ConnectorConfigLoader loader, UnaryOperator<ConnectorConfig> wiring) {
    this.directory = directory;
    this.types = types;
    this.loader = loader;
    this.wiring = wiring;
    this.state = new State(List.copyOf(configs), List.of(), hash(directory));
  }

  public static ConnectorInstances load(Path directory, ConnectorTypes types) throws ConfigException {
    return load(directory, types, Set.of(), UnaryOperator.identity());
  }

  /**
   * Loads the folder, accepting {@code baseUrl: demo://<name>} for the given demo replay names and
   * passing every instance through {@code wiring} (a demo replay's real address), now and on reload.
   */
  public static ConnectorInstances load(Path directory, ConnectorTypes types, Set<String> demoServers,
      UnaryOperator<ConnectorConfig> wiring) throws ConfigException {
    ConnectorConfigLoader loader = new ConnectorConfigLoader(types, demoServers);
    List<ConnectorConfig> configs = loader.load(directory).stream().map(wiring).toList();
    return new ConnectorInstances(directory, configs, types, loader, wiring);
  }

  /** Where the instance files are read from. */
  public Path directory() {
    return directory;
  }

  public ConnectorTypes types() {
    return types;
  }

  /** The instances in force. */
  public List<ConnectorConfig> configs() {
    return state.configs();
  }

  /** Files the last reload rejected (the previous version of their instance, if any, stays in force). */
  public List<Rejection> rejected() {
    return state.rejected();
  }

  public List<ConnectorConfig> enabled() {
    return configs().stream().filter(ConnectorConfig::enabled).toList();
  }

  public Optional<ConnectorConfig> find(String id) {
    return configs().stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** The fact types {@code config} may provide. */
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return types.get(config.type()).provides(config);
  }

  /** Whether the folder's instance files differ from what was last loaded. */
  public boolean changedOnDisk() {
    return !hash(directory).equals(state.hash());
  }

  /**
   * Reads the folder again. Each file is loaded on its own: a valid one replaces its instance, an
   * invalid one is rejected and the instance it held (if any) keeps its previous version.
   */
  public synchronized ReloadReport reload() {
    State old = state;
    String hash = hash(directory);
    Map<Path, ConnectorConfig> previousByFile = new HashMap<>();
    old.configs().forEach(c -> previousByFile.put(c.file(), c));
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(ConnectorInstances::isInstanceFile).sorted().toList();
    } catch (IOException e) {
      Rejection folder = new Rejection(directory, null, List.of(directory + ": cannot list: " + e.getMessage()));
      state = new State(old.configs(), List.of(folder), hash);
      log.error("connector folder {} cannot be read; the instances in force are kept: {}", directory, e.getMessage());
      return new ReloadReport(List.of(), List.of(), List.of(), List.of(folder));
    }
    Map<String, ConnectorConfig> next = new LinkedHashMap<>();
    List<Rejection> rejected = new ArrayList<>();
    for (Path file : files) {
      Path absolute = file.toAbsolutePath();
      ConnectorConfig previous = previousByFile.get(absolute);
      List<String> problems;
      try {
        ConnectorConfig loaded = wiring.apply(loader.loadFile(file));
        ConnectorConfig clash = next.get(loaded.id());
        if (clash == null) {
          next.put(loaded.id(), loaded);
          continue;
        }
        problems = List.of(ConfigException.format(file.toString(), "id",
            "'" + loaded.id() + "' is already used by " + clash.file()));
      } catch (ConfigException e) {
        problems = e.problems();
      } catch (RuntimeException e) {
        problems = List.of(file + ": " + e.getMessage());
      }
      boolean keep = previous != null && !next.containsKey(previous.id());
      if (keep) {
        next.put(previous.id(), previous);
      }
      rejected.add(new Rejection(absolute, keep ? previous.id() : null, problems));
      log.error("connector file {} rejected{}:{}{}", file, keep ? "; the previous version of '" + previous.id()
          + "' stays in force" : "", System.lineSeparator(), String.join(System.lineSeparator(),
          problems.stream().map(p -> "  " + p).toList()));
    }
    Map<String, ConnectorConfig> before = new LinkedHashMap<>();
    old.configs().forEach(c -> before.put(c.id(), c));
    List<String> added = next.keySet().stream().filter(id -> !before.containsKey(id)).toList();
    List<String> removed = before.keySet().stream().filter(id -> !next.containsKey(id)).toList();
    List<String> changed = next.keySet().stream()
        .filter(id -> before.containsKey(id) && !before.get(id).equals(next.get(id))).toList();
    state = new State(List.copyOf(next.values()), List.copyOf(rejected), hash);
    ReloadReport report = new ReloadReport(added, changed, removed, List.copyOf(rejected));
    if (report.changedAny()) {
      log.info("connectors reloaded from {}: added {}, changed {}, removed {}", directory, added, changed, removed);
    }
    return report;
  }

  private static boolean isInstanceFile(Path p) {
    return p.getFileName().toString().matches(".*\\.ya?ml") && Files.isRegularFile(p);
  }

  /** SHA-256 over the instance files' names and contents; "" for a folder that cannot be read. */
  private static String hash(Path directory) {
    if (directory == null || !Files.isDirectory(directory)) {
      return "";
    }
    try (Stream<Path> list = Files.list(directory)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path file : list.filter(ConnectorInstances::isInstanceFile).sorted().toList()) {
        digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(file));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      return "unreadable";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
