package io.aimsmonitor.testing;

import io.aimsmonitor.AimsMonitorApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve} in a JVM of its own, started from the test class path with the application's real
 * main class, so that a test can kill it as an operating system would: {@link #kill()} is
 * {@link Process#destroyForcibly()}, SIGKILL on Linux, with no shutdown hook, no {@code finally}
 * and no commit. Its output goes to a log file the test can read and show on failure.
 */
public final class ForkedService implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ForkedService(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code serve}.
   *
   * @param systemProperties {@code -D} options (the test-only pause and fire-log hooks)
   * @param args Spring options, {@code --key=value}
   */
  public static ForkedService start(String name, Path workDir, Map<String, String> systemProperties, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Start-up bound, not throughput bound: C1 alone halves the start (Drools compiles six packs),
        // and the serial collector keeps two forked services from fighting over the two cores for GC threads.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m", "-Xss512k"));
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), AimsMonitorApplication.class.getName()));
    command.addAll(args);
    Path log = workDir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new ForkedService(name, process, log);
  }

  /** The Spring options that put the service on its own schema of the PostgreSQL test server. */
  public static List<String> onPostgres(String schema) {
    return List.of("--spring.datasource.url=" + System.getenv(TestDatabases.POSTGRES_URL_ENV),
        "--spring.datasource.hikari.schema=" + schema, "--spring.flyway.schemas=" + schema,
        "--spring.flyway.create-schemas=true");
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (Spring's graceful shutdown), SIGKILL if it is not gone within 30 s. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  /** Everything the service printed so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The last lines of the log, for an assertion message. */
  public String tail(int lines) {
    List<String> all = log().lines().toList();
    return name + " (pid " + pid() + ", " + (isAlive() ? "running" : "exited") + "), last lines of its log:\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
