package io.aimsmonitor.cli;

import io.aimsmonitor.config.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a throw-away command ({@code scan}, {@code validate}, {@code test-rules}, {@code controls})
 * finds its connectors and rules, the same way for all of them and as {@code serve} does
 * ({@link Workspace}): the folder given by option, which must exist; else {@code ./connectors} or
 * {@code ./rules} when present; else the demo and packs bundled in the jar. Bundled files are
 * extracted into a private temporary folder deleted on {@link #close()}, never into the current
 * directory: a throw-away command leaves nothing behind.
 */
final class Inputs implements AutoCloseable {

  private Path scratch;

  /** The connectors folder for {@code --connectors option} (null: not given). */
  Path connectors(Path option) {
    return resolve(option, "connectors");
  }

  /** The rules folder for {@code --rules option} or a rules argument (null: not given). */
  Path rules(Path option) {
    return resolve(option, "rules");
  }

  /** A private temporary data folder, for a command that needs one (deleted on close). */
  synchronized Path scratch() {
    if (scratch == null) {
      try {
        scratch = Files.createTempDirectory("aims-monitor-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary folder", e);
      }
    }
    return scratch;
  }

  private Path resolve(Path option, String kind) {
    if (option != null && !Files.isDirectory(option)) {
      throw new IllegalStateException("--" + kind + ": " + option.toAbsolutePath() + " is not a folder");
    }
    return Workspace.resolve(option, Path.of(kind), option == null && !Files.isDirectory(Path.of(kind)) ? scratch()
        : null, kind);
  }

  /** Whether {@code folder} is the bundled copy rather than one the user has. */
  boolean isBundled(Path folder) {
    return scratch != null && folder.startsWith(scratch.toAbsolutePath().normalize());
  }

  @Override
  public synchronized void close() {
    if (scratch == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(scratch)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the folder is in the system's temporary directory
    }
    scratch = null;
  }
}
