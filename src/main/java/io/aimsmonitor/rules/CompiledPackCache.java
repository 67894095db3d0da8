package io.aimsmonitor.rules;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled rule packs on disk, one file per key (the pack's DRL, the bytecode of the classes it
 * imports and the Drools and aims-monitor versions: see {@link RulePackLoader}): compiling the six
 * shipped packs takes seconds at every start, loading their compiled classes a few hundred
 * milliseconds. An entry is written to a temporary file and moved into place, so a reader sees a
 * whole entry or none; an entry that cannot be read or loaded is deleted and rebuilt by the
 * loader, never trusted. Nothing here is needed for correctness: without the folder (not writable,
 * or the cache disabled) every pack is compiled as before.
 */
public final class CompiledPackCache {

  private static final Logger log = LoggerFactory.getLogger(CompiledPackCache.class);

  /** The setting (also {@code AIMS_RULES_CACHE_DIR}): unset means the default folder, empty disables the cache. */
  public static final String SETTING = "aims.rules.cache-dir";

  private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

  /** No cache: every pack is compiled from its DRL. */
  public static final CompiledPackCache DISABLED = new CompiledPackCache(null);

  private final Path dir;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger misses = new AtomicInteger();
  private final AtomicBoolean writeFailed = new AtomicBoolean();

  private CompiledPackCache(Path dir) {
    this.dir = dir;
  }

  /** A cache in {@code dir} (created at the first write). */
  public static CompiledPackCache at(Path dir) {
    return new CompiledPackCache(dir.toAbsolutePath().normalize());
  }

  /**
   * The cache a setting names: null (unset) is the default folder, blank disables it, anything
   * else is the folder.
   */
  public static CompiledPackCache configured(String setting, Map<String, String> env) {
    if (setting == null) {
      return at(defaultDir(env));
    }
    return setting.isBlank() ? DISABLED : at(Path.of(setting.trim()));
  }

  /**
   * The cache of commands that run without Spring ({@code validate}, {@code test-rules},
   * {@code controls}): the same setting as the service, from the system property or the environment.
   */
  public static CompiledPackCache fromEnvironment() {
    String setting = System.getProperty(SETTING, System.getenv("AIMS_RULES_CACHE_DIR"));
    return configured(setting, System.getenv());
  }

  /**
   * {@code $XDG_CACHE_HOME/aims-monitor/compiled-packs}, else {@code ~/.cache/aims-monitor/compiled-packs}:
   * per user, outside any working copy, and shared by the service and the commands of that user.
   */
  static Path defaultDir(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
        ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("aims-monitor").resolve("compiled-packs");
  }

  public boolean enabled() {
    return dir != null;
  }

  /** The folder, when enabled. */
  public Optional<Path> folder() {
    return Optional.ofNullable(dir);
  }

  /** Loads served from the cache since this cache was made. */
  public int hits() {
    return hits.get();
  }

  /** Loads that had to compile since this cache was made. */
  public int misses() {
    return misses.get();
  }

  Optional<byte[]> read(String key) {
    checkKey(key);
    if (dir == null) {
      return Optional.empty();
    }
    Path file = entry(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException e) {
      log.warn("compiled rule pack cache: cannot read {}: {}; compiling instead", file, e.getMessage());
      return Optional.empty();
    }
  }

  void hit() {
    hits.incrementAndGet();
  }

  void miss() {
    misses.incrementAndGet();
  }

  /** Stores an entry; a failure (read-only folder, full disk) is a warning, never an error. */
  void write(String key, byte[] compiled) {
    checkKey(key);
    if (dir == null) {
      return;
    }
    Path file = entry(key);
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, key, ".tmp");
      Files.write(tmp, compiled);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      if (writeFailed.compareAndSet(false, true)) {
        // once: a read-only home folder in a CI runner should not add a line per pack to every scan
        log.warn("compiled rule pack cache: cannot write {}: {} (packs are compiled at every start until it can;"
            + " set {} to a writable folder, or to nothing to turn the cache off)", file, e.getMessage(), SETTING);
      } else {
        log.debug("compiled rule pack cache: cannot write {}: {}", file, e.getMessage());
      }
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a stray temporary file is harmless: its name never matches a key
        }
      }
    }
  }

  /** Removes an entry that could not be loaded, so that the next start does not trip on it again. */
  void discard(String key, String why) {
    checkKey(key);
    if (dir == null) {
      return;
    }
    Path file = entry(key);
    log.warn("compiled rule pack cache: ignoring {}: {}; compiling the pack again", file, why);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("compiled rule pack cache: cannot delete {}: {}", file, e.getMessage());
    }
  }

  Path entry(String key) {
    return dir.resolve(key + ".jar");
  }

  private static void checkKey(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a cache key: " + key);
    }
  }
}
