package io.aimsmonitor.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs the real command-line tools (promtool, prometheus) the ops tests exercise.
 *
 * <p>A missing tool must not make a developer's local build red, but in CI a silently skipped
 * check would let broken alert rules land: so with {@code CI=true} a missing tool fails the test,
 * otherwise the test is skipped with a message saying what to install.
 */
final class ExternalTools {

  private ExternalTools() {}

  /** The executable {@code name} from PATH, or fail (CI) / skip (elsewhere) with an install hint. */
  static Path require(String name, String debianPackage) {
    Optional<Path> found = onPath(name);
    if (found.isPresent()) {
      return found.get();
    }
    String message = "'" + name + "' was not found on PATH; install it with `apt-get install -y " + debianPackage
        + "` (Debian package " + debianPackage + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + ". CI=true: a missing tool is a failure, not a skip.");
    }
    Assumptions.abort(message + ". Skipping outside CI.");
    throw new AssertionError("unreachable");
  }

  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Exit code and combined stdout + stderr of a finished command. */
  record Result(int exitCode, String output) {
    String describe(List<String> command) {
      return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
    }
  }

  /** Runs {@code command} in {@code workDir}, failing the test if it does not end within {@code timeout}. */
  static Result run(Path workDir, Duration timeout, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
        .redirectErrorStream(true);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      // Read concurrently: a tool that prints more than the pipe buffer would otherwise block forever.
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (Exception e) {
      throw new IllegalStateException("running " + command + " failed", e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
