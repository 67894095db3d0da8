package io.aimsmonitor.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.FaultServer;
import io.aimsmonitor.testing.FaultServer.Fault;
import io.aimsmonitor.testing.TestDatabases;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Soak: the whole service ({@code serve}, in this JVM) for a bounded time with every demo source
 * and five fault-injecting servers (503s, resets, truncated bodies, a slow drip, a hanging
 * connection) collected every 10 s, evaluation every 30 s, on PostgreSQL when
 * {@code AIMS_TEST_POSTGRES_URL} is set (a schema of its own, dropped afterwards) or else the
 * embedded H2. Every sample interval it forces a GC and records heap used after it, live threads,
 * open file handles ({@code /proc/self/fd}) and the Hikari pool (active, idle, total,
 * waiting), plus how many runs and evaluations the store holds, so the load is visible. Threads
 * and sockets of the fault servers, which share the JVM, are not counted.
 *
 * <p>Verdict per resource: flat when the median of the last third of the samples is within a
 * tolerance of the median of the first third after warm-up (the first fifth of the run). Writes
 * {@code soak.csv}, {@code soak.png} and {@code soak.md} (the table for docs/reliability.md).
 * Not a unit test: {@code bench/run SoakBench [minutes] [sampleSeconds] [outDir]}, default
 * {@code 10 10 target/soak}. Exits 1 when a resource grew.
 */
public final class SoakBench {

  /** One sample. */
  record Sample(double minutes, double heapMb, int threads, int fds, int dbActive, int dbIdle, int dbTotal,
      int dbWaiting, long runs, long failedRuns, long evaluations) {}

  /** A resource, how to read it from a sample, and how much growth is still flat. */
  record Resource(String name, String unit, ToDoubleFunction<Sample> value, double relativeSlack, double absoluteSlack) {}

  static final List<Resource> RESOURCES = List.of(
      new Resource("heap after GC", "MB", Sample::heapMb, 0.10, 8),
      new Resource("live threads", "", Sample::threads, 0.0, 3),
      new Resource("open file handles", "", Sample::fds, 0.0, 5),
      new Resource("DB connections (Hikari total)", "", Sample::dbTotal, 0.0, 0));

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds((long) (Double.parseDouble(args.length > 0 ? args[0] : "10") * 60));
    Duration every = Duration.ofSeconds(Long.parseLong(args.length > 1 ? args[1] : "10"));
    Path out = Files.createDirectories(Path.of(args.length > 2 ? args[2] : "target/soak"));
    Path work = Files.createTempDirectory("aims-soak");
    String pgUrl = System.getenv(TestDatabases.POSTGRES_URL_ENV);
    String schema = "aims_soak_" + ProcessHandle.current().pid();

    Map<Fault, FaultServer> servers = new EnumMap<>(Fault.class);
    for (Fault f : List.of(Fault.STATUS_503, Fault.RESET, Fault.TRUNCATED, Fault.SLOW_DRIP, Fault.HANGING)) {
      servers.put(f, new FaultServer(f));
    }
    writeConnectors(work.resolve("connectors"), servers);

    List<String> springArgs = new ArrayList<>(List.of("--server.port=0", "--aims.data-dir=" + work.resolve("data"),
        "--aims.connectors-dir=" + work.resolve("connectors"), "--aims.scheduler.evaluation-schedule=*/30 * * * * ?",
        "--aims.security.admin-password=soak-" + Long.toHexString(System.nanoTime()),
        "--logging.level.io.aimsmonitor.connector=WARN", "--logging.level.io.aimsmonitor.schedule=WARN"));
    if (pgUrl != null && !pgUrl.isBlank()) {
      springArgs.addAll(List.of("--spring.datasource.url=" + pgUrl, "--spring.datasource.hikari.schema=" + schema,
          "--spring.flyway.schemas=" + schema, "--spring.flyway.create-schemas=true"));
    }
    System.out.printf("soak: %s on %s, sampling every %d s, %d fault servers; output in %s%n", duration,
        pgUrl == null ? "H2" : "PostgreSQL schema " + schema, every.toSeconds(), servers.size(), out);

    List<Sample> samples = new ArrayList<>();
    ConfigurableApplicationContext app = new SpringApplication(AimsMonitorApplication.class).run(springArgs.toArray(String[]::new));
    try {
      HikariDataSource pool = app.getBean(HikariDataSource.class);
      JdbcClient jdbc = app.getBean(JdbcClient.class);
      Set<Integer> faultPorts = new HashSet<>();
      servers.values().forEach(f -> faultPorts.add(f.baseUri().getPort()));
      Instant start = Instant.now();
      Instant end = start.plus(duration);
      while (Instant.now().isBefore(end)) {
        Thread.sleep(every.toMillis());
        Sample s = sample(start, pool, jdbc, faultPorts);
        samples.add(s);
        System.out.printf(Locale.ROOT, "%6.1f min  heap %6.1f MB  threads %3d  fds %4d  db %d/%d (waiting %d)  runs %d (%d failed)"
            + "  evaluations %d%n", s.minutes(), s.heapMb(), s.threads(), s.fds(), s.dbActive(), s.dbTotal(), s.dbWaiting(),
            s.runs(), s.failedRuns(), s.evaluations());
      }
    } finally {
      app.close();
      for (FaultServer s : servers.values()) {
        s.close();
      }
      if (pgUrl != null && !pgUrl.isBlank()) {
        try (var c = DriverManager.getConnection(pgUrl); var st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    }
    writeCsv(out.resolve("soak.csv"), samples);
    plot(out.resolve("soak.png"), samples);
    boolean flat = report(out.resolve("soak.md"), samples, duration, pgUrl != null && !pgUrl.isBlank());
    System.out.println(Files.readString(out.resolve("soak.md")));
    System.exit(flat ? 0 : 1);
  }

  /** The bundled demo, every 10 s, and one mlflow instance per fault server, every 10 s. */
  static void writeConnectors(Path dir, Map<Fault, FaultServer> servers) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> demo = Files.list(Path.of("connectors"))) {
      for (Path p : demo.filter(p -> p.getFileName().toString().startsWith("demo-")).toList()) {
        String yaml = Files.readString(p).replaceAll("(?m)^schedule: .*$", "schedule: \"*/10 * * * * ?\"");
        Files.writeString(dir.resolve(p.getFileName()), yaml);
      }
    }
    for (var e : servers.entrySet()) {
      String id = "fault-" + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-');
      Files.writeString(dir.resolve(id + ".yaml"), """
          id: %s
          type: mlflow
          baseUrl: %s
          schedule: "*/10 * * * * ?"
          http: {connectTimeout: 1s, requestTimeout: 2s, runTimeout: 5s, maxRetries: 1}
          """.formatted(id, e.getValue().baseUri()));
    }
  }

  /**
   * The fault servers run in this JVM, and a hanging one holds every connection (a thread and a
   * socket) forever by design: those are the harness's, not the service's, so threads named
   * {@code fault-server*} and sockets on a fault server's port are not counted.
   */
  static Sample sample(Instant start, HikariDataSource pool, JdbcClient jdbc, Set<Integer> faultPorts) throws IOException {
    System.gc();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    Set<String> harnessSockets = socketsOn(faultPorts);
    int fds = 0;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : s.toList()) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile (the listing's own handle among them)
        }
        if (!harnessSockets.contains(target)) {
          fds++;
        }
      }
    }
    int threads = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith("fault-server")).count();
    var p = pool.getHikariPoolMXBean();
    long runs = jdbc.sql("SELECT COUNT(*) FROM connector_run").query(Long.class).single();
    long failed = jdbc.sql("SELECT COUNT(*) FROM connector_run WHERE status = 'FAILED'").query(Long.class).single();
    long evaluations = jdbc.sql("SELECT COUNT(*) FROM evaluation_run").query(Long.class).single();
    return new Sample(Duration.between(start, Instant.now()).toMillis() / 60000.0, heap.getUsed() / 1048576.0,
        threads, fds, p.getActiveConnections(), p.getIdleConnections(),
        p.getTotalConnections(), p.getThreadsAwaitingConnection(), runs, failed, evaluations);
  }

  /** {@code socket:[inode]} of every TCP socket whose local port is one of {@code ports} (from /proc/net/tcp*). */
  static Set<String> socketsOn(Set<Integer> ports) throws IOException {
    Set<String> out = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p).stream().skip(1).toList()) {
        String[] f = line.trim().split("\\s+");
        int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        if (ports.contains(port)) {
          out.add("socket:[" + f[9] + "]");
        }
      }
    }
    return out;
  }

  static void writeCsv(Path file, List<Sample> samples) throws IOException {
    List<String> lines = new ArrayList<>(List.of("minutes,heap_mb,threads,fds,db_active,db_idle,db_total,db_waiting,runs,failed_runs,evaluations"));
    samples.forEach(s -> lines.add(String.format(Locale.ROOT, "%.2f,%.1f,%d,%d,%d,%d,%d,%d,%d,%d,%d", s.minutes(), s.heapMb(),
        s.threads(), s.fds(), s.dbActive(), s.dbIdle(), s.dbTotal(), s.dbWaiting(), s.runs(), s.failedRuns(), s.evaluations())));
    Files.write(file, lines);
  }

  /** Median of the first third after warm-up against the median of the last third, per resource. */
  static boolean report(Path file, List<Sample> samples, Duration duration, boolean postgres) throws IOException {
    int n = samples.size();
    int warm = n / 5;
    List<Sample> steady = samples.subList(warm, n);
    int third = Math.max(1, steady.size() / 3);
    List<Sample> first = steady.subList(0, third);
    List<Sample> last = steady.subList(steady.size() - third, steady.size());
    StringBuilder md = new StringBuilder();
    Sample end = samples.get(n - 1);
    md.append(String.format(Locale.ROOT, "Soak of %d min on %s: %d runs (%d failed by injected faults), %d evaluations,"
        + " %d samples.%n%n", duration.toMinutes(), postgres ? "PostgreSQL" : "H2", end.runs(), end.failedRuns(),
        end.evaluations(), n));
    md.append("| resource | start (median, first third) | end (median, last third) | min - max after warm-up | verdict |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    boolean allFlat = true;
    for (Resource r : RESOURCES) {
      double a = median(first, r.value());
      double b = median(last, r.value());
      double min = steady.stream().mapToDouble(r.value()).min().orElse(0);
      double max = steady.stream().mapToDouble(r.value()).max().orElse(0);
      boolean flat = b <= a * (1 + r.relativeSlack()) + r.absoluteSlack();
      allFlat &= flat;
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s - %s | %s |%n", r.name(), fmt(a, r), fmt(b, r), fmt(min, r),
          fmt(max, r), flat ? "flat" : "GREW"));
    }
    int waiting = steady.stream().mapToInt(Sample::dbWaiting).max().orElse(0);
    md.append(String.format(Locale.ROOT, "%nThreads waiting for a DB connection, at most: %d.%n", waiting));
    Files.writeString(file, md.toString());
    return allFlat;
  }

  private static String fmt(double v, Resource r) {
    return (r.unit().isEmpty() ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f %s", v, r.unit()));
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
    double[] v = samples.stream().mapToDouble(f).sorted().toArray();
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Four small line charts over time, one per resource, written with Java2D (no plotting library needed). */
  static void plot(Path file, List<Sample> samples) throws IOException {
    int w = 900;
    int panel = 170;
    BufferedImage img = new BufferedImage(w, panel * RESOURCES.size() + 20, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    double maxMinutes = samples.isEmpty() ? 1 : Math.max(samples.get(samples.size() - 1).minutes(), 0.1);
    for (int i = 0; i < RESOURCES.size(); i++) {
      Resource r = RESOURCES.get(i);
      int top = 10 + i * panel;
      int left = 70;
      int right = w - 20;
      int bottom = top + panel - 40;
      double[] values = samples.stream().mapToDouble(r.value()).toArray();
      double hi = Math.max(1, Arrays.stream(values).max().orElse(1) * 1.15);
      g.setColor(Color.DARK_GRAY);
      g.drawString(r.name() + (r.unit().isEmpty() ? "" : " (" + r.unit() + ")"), left, top + 12);
      g.drawLine(left, bottom, right, bottom);
      g.drawLine(left, top + 18, left, bottom);
      g.drawString(String.format(Locale.ROOT, "%.0f", hi), 10, top + 28);
      g.drawString("0", 50, bottom);
      g.drawString(String.format(Locale.ROOT, "%.0f min", maxMinutes), right - 45, bottom + 15);
      g.setColor(new Color(0x1f77b4));
      g.setStroke(new BasicStroke(2f));
      for (int k = 1; k < values.length; k++) {
        int x1 = left + (int) ((right - left) * samples.get(k - 1).minutes() / maxMinutes);
        int x2 = left + (int) ((right - left) * samples.get(k).minutes() / maxMinutes);
        int y1 = bottom - (int) ((bottom - top - 18) * values[k - 1] / hi);
        int y2 = bottom - (int) ((bottom - top - 18) * values[k] / hi);
        g.drawLine(x1, y1, x2, y2);
      }
      g.setStroke(new BasicStroke(1f));
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }
}
