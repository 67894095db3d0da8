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
import java.util.Collection;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Soak: the whole service ({@code serve}, in this JVM) for a bounded time with every demo source
 * and five fault-injecting servers (503s, resets, truncated bodies, a slow drip, a hanging
 * connection) collected every 10 s, evaluation every 30 s and retention every 5 min (keeping 5 min
 * of runs), on PostgreSQL when {@code AIMS_TEST_POSTGRES_URL} is set (a schema of its own, dropped
 * afterwards) or else the embedded H2. Every sample interval it forces a GC and records heap used
 * after it, live threads, open file handles ({@code /proc/self/fd}), the Hikari pool (active,
 * idle, total, waiting) and the database's size, plus the runs and evaluations done so far and
 * the machine's load average, so the load is visible. Threads and sockets of the fault servers,
 * which share the JVM, are not counted.
 *
 * <p>Verdict per resource: flat when the median of the last third of the samples is within a
 * tolerance of the median of the first third after warm-up (the first fifth of the run); the trend
 * per hour (least squares over the samples after warm-up) is reported beside it. Writes
 * {@code soak.csv}, {@code soak.png} and {@code soak.md} (the table for docs/reliability.md).
 * Not a unit test: {@code bench/run SoakBench [minutes] [sampleSeconds] [outDir]}, default
 * {@code 10 10 target/soak}. Exits 1 when a resource grew.
 */
public final class SoakBench {

  /** One sample. */
  record Sample(double minutes, double heapMb, int threads, int fds, int dbActive, int dbIdle, int dbTotal,
      int dbWaiting, double dbMb, long runs, long failedRuns, long evaluations, double load) {}

  /**
   * A resource, how to read it from a sample, and how much growth is still flat; a resource that
   * is not {@code judged} (the machine's load) is plotted and reported, never a verdict.
   */
  record Resource(String name, String unit, ToDoubleFunction<Sample> value, double relativeSlack, double absoluteSlack,
      boolean judged) {}

  /**
   * The database holds every evaluation run by design (a few hundred bytes each); retention bounds
   * the connector runs, which carry the facts and are almost all of it. Its slack is for that
   * history and for PostgreSQL reusing freed pages only after autovacuum.
   */
  static final List<Resource> RESOURCES = List.of(
      new Resource("heap after GC", "MB", Sample::heapMb, 0.10, 8, true),
      new Resource("live threads", "", Sample::threads, 0.0, 3, true),
      new Resource("open file handles", "", Sample::fds, 0.0, 5, true),
      new Resource("DB connections (Hikari total)", "", Sample::dbTotal, 0.0, 0, true),
      new Resource("database size", "MB", Sample::dbMb, 0.10, 2, true),
      new Resource("machine load (1 min average)", "", Sample::load, 0, 0, false));

  /** Connector runs kept: the soak prunes every 5 min what is older than 5 min (beyond 20 per source). */
  static final String RETENTION_KEEP_FOR = "5m";

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
        "--aims.retention.keep-for=" + RETENTION_KEEP_FOR, "--aims.retention.schedule=0 */5 * * * ?",
        "--logging.level.io.aimsmonitor.connector=WARN", "--logging.level.io.aimsmonitor.schedule=WARN"));
    if (pgUrl != null && !pgUrl.isBlank()) {
      springArgs.addAll(List.of("--spring.datasource.url=" + pgUrl, "--spring.datasource.hikari.schema=" + schema,
          "--spring.flyway.schemas=" + schema, "--spring.flyway.create-schemas=true"));
    }
    System.out.printf("soak: %s on %s, sampling every %d s, %d fault servers; output in %s%n", duration,
        pgUrl == null ? "H2" : "PostgreSQL schema " + schema, every.toSeconds(), servers.size(), out);

    if (every.compareTo(Duration.parse("PT" + RETENTION_KEEP_FOR.toUpperCase(Locale.ROOT))) >= 0) {
      throw new IllegalArgumentException("sample every less than " + RETENTION_KEEP_FOR
          + ": runs are counted before retention deletes them");
    }
    List<Sample> samples = new ArrayList<>();
    Vacuum vacuum = Vacuum.NONE;
    ConfigurableApplicationContext app = new SpringApplication(AimsMonitorApplication.class).run(springArgs.toArray(String[]::new));
    try {
      HikariDataSource pool = app.getBean(HikariDataSource.class);
      JdbcClient jdbc = app.getBean(JdbcClient.class);
      RunCounter runs = new RunCounter(jdbc);
      vacuum = pgUrl != null && !pgUrl.isBlank() ? Vacuum.ifAutovacuumIsOff(jdbc) : Vacuum.NONE;
      DatabaseSize dbSize = pgUrl != null && !pgUrl.isBlank() ? DatabaseSize.postgres(jdbc) : DatabaseSize.h2(work.resolve("data"));
      Instant start = Instant.now();
      Instant end = start.plus(duration);
      while (Instant.now().isBefore(end)) {
        Thread.sleep(every.toMillis());
        vacuum.runIfDue();
        Sample s = sample(start, pool, jdbc, servers.values(), runs, dbSize);
        samples.add(s);
        System.out.printf(Locale.ROOT, "%6.1f min  heap %6.1f MB  threads %3d  fds %4d  db %d/%d (waiting %d) %6.1f MB"
            + "  runs %d (%d failed)  evaluations %d  load %.2f%n", s.minutes(), s.heapMb(), s.threads(), s.fds(),
            s.dbActive(), s.dbTotal(), s.dbWaiting(), s.dbMb(), s.runs(), s.failedRuns(), s.evaluations(), s.load());
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
    boolean flat = report(out.resolve("soak.md"), samples, duration, pgUrl != null && !pgUrl.isBlank(), vacuum.note());
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
   * The fault servers run in this JVM and hold a thread and a socket per connection while it lasts
   * (a hanging one until the client gives up): those are the harness's, not the service's, so
   * threads named {@code fault-server*}, the servers' listening sockets and the connections they
   * hold are not counted. (Matching sockets by port in {@code /proc/net/tcp} is not enough: a
   * socket the client reset leaves the kernel's table while its handle stays open.)
   */
  static Sample sample(Instant start, HikariDataSource pool, JdbcClient jdbc, Collection<FaultServer> faultServers,
      RunCounter runs, DatabaseSize dbSize) throws IOException {
    System.gc();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    int harnessSockets = faultServers.stream().mapToInt(f -> 1 + f.openConnections()).sum();
    int fds = -harnessSockets;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : s.toList()) {
        try {
          Files.readSymbolicLink(fd);
          fds++;
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    int threads = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith("fault-server")).count();
    var p = pool.getHikariPoolMXBean();
    runs.update();
    long evaluations = jdbc.sql("SELECT COUNT(*) FROM evaluation_run").query(Long.class).single();
    double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    return new Sample(Duration.between(start, Instant.now()).toMillis() / 60000.0, heap.getUsed() / 1048576.0,
        threads, fds, p.getActiveConnections(), p.getIdleConnections(), p.getTotalConnections(),
        p.getThreadsAwaitingConnection(), dbSize.megabytes(), runs.total, runs.failed, evaluations, load);
  }

  /**
   * Runs done so far. Retention deletes stored runs during the soak, so they are counted as they
   * appear: every sample counts the runs with a higher id than the last one seen.
   */
  static final class RunCounter {
    private final JdbcClient jdbc;
    private long lastId;
    long total;
    long failed;

    RunCounter(JdbcClient jdbc) {
      this.jdbc = jdbc;
    }

    void update() {
      for (var row : jdbc.sql("SELECT id, status FROM connector_run WHERE id > ?").param(lastId).query().listOfRows()) {
        lastId = Math.max(lastId, ((Number) row.get("id")).longValue());
        total++;
        if ("FAILED".equals(row.get("status"))) {
          failed++;
        }
      }
    }
  }

  /**
   * A test PostgreSQL often runs with {@code autovacuum = off} (faster test suites); the service's
   * updates (Quartz's trigger rows on every fire, findings' last-seen on every evaluation) then
   * leave dead rows that no production server would keep, and the database size measures the test
   * server's setting, not the service. So the soak does what autovacuum would, with its default
   * one-minute nap: a plain {@code VACUUM} of each table of the soak schema, and says so.
   */
  interface Vacuum {
    Vacuum NONE = new Vacuum() {
      @Override
      public void runIfDue() {}

      @Override
      public String note() {
        return "";
      }
    };

    void runIfDue();

    String note();

    static Vacuum ifAutovacuumIsOff(JdbcClient jdbc) {
      if (!"off".equals(jdbc.sql("SHOW autovacuum").query(String.class).single())) {
        return NONE;
      }
      return new Vacuum() {
        private Instant last = Instant.now();

        @Override
        public void runIfDue() {
          if (Instant.now().isBefore(last.plusSeconds(60))) {
            return;
          }
          for (String table : jdbc.sql("SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()")
              .query(String.class).list()) {
            jdbc.sql("VACUUM \"" + table.replace("\"", "\"\"") + "\"").update(); // pooled connections autocommit: not in a transaction
          }
          last = Instant.now();
        }

        @Override
        public String note() {
          return "The PostgreSQL server had autovacuum off: the soak vacuumed its schema's tables every minute, as"
              + " autovacuum would.";
        }
      };
    }
  }

  /** What the store takes on disk: the soak schema's tables with their indexes and TOAST, or the H2 files. */
  interface DatabaseSize {
    double megabytes() throws IOException;

    static DatabaseSize postgres(JdbcClient jdbc) {
      return () -> jdbc.sql("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')")
          .query(Long.class).single() / 1048576.0;
    }

    static DatabaseSize h2(Path dataDir) {
      return () -> {
        try (Stream<Path> files = Files.list(dataDir)) {
          long bytes = 0;
          for (Path f : files.filter(f -> f.getFileName().toString().startsWith("aims.")).toList()) {
            bytes += Files.size(f);
          }
          return bytes / 1048576.0;
        }
      };
    }
  }

  static void writeCsv(Path file, List<Sample> samples) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "minutes,heap_mb,threads,fds,db_active,db_idle,db_total,db_waiting,db_mb,runs,failed_runs,evaluations,load"));
    samples.forEach(s -> lines.add(String.format(Locale.ROOT, "%.2f,%.1f,%d,%d,%d,%d,%d,%d,%.2f,%d,%d,%d,%.2f", s.minutes(),
        s.heapMb(), s.threads(), s.fds(), s.dbActive(), s.dbIdle(), s.dbTotal(), s.dbWaiting(), s.dbMb(), s.runs(),
        s.failedRuns(), s.evaluations(), s.load())));
    Files.write(file, lines);
  }

  /** Median of the first third after warm-up against the median of the last third, per resource. */
  static boolean report(Path file, List<Sample> samples, Duration duration, boolean postgres, String vacuumNote)
      throws IOException {
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
    md.append("| resource | start (median, first third) | end (median, last third) | min - max after warm-up"
        + " | trend per hour | verdict |\n");
    md.append("| --- | --- | --- | --- | --- | --- |\n");
    boolean allFlat = true;
    for (Resource r : RESOURCES) {
      double a = median(first, r.value());
      double b = median(last, r.value());
      double min = steady.stream().mapToDouble(r.value()).min().orElse(0);
      double max = steady.stream().mapToDouble(r.value()).max().orElse(0);
      boolean flat = b <= a * (1 + r.relativeSlack()) + r.absoluteSlack();
      allFlat &= flat || !r.judged();
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s - %s | %+.1f%s | %s |%n", r.name(), fmt(a, r), fmt(b, r),
          fmt(min, r), fmt(max, r), perHour(steady, r.value()), r.unit().isEmpty() ? "" : " " + r.unit(),
          !r.judged() ? "(context)" : flat ? "flat" : "GREW"));
    }
    int waiting = steady.stream().mapToInt(Sample::dbWaiting).max().orElse(0);
    md.append(String.format(Locale.ROOT, "%nThreads waiting for a DB connection, at most: %d.%n", waiting));
    if (!vacuumNote.isEmpty()) {
      md.append(String.format(Locale.ROOT, "%n%s%n", vacuumNote));
    }
    Files.writeString(file, md.toString());
    return allFlat;
  }

  private static String fmt(double v, Resource r) {
    return (r.unit().isEmpty() ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f %s", v, r.unit()));
  }

  /** Least-squares slope over time, per hour. */
  static double perHour(List<Sample> samples, ToDoubleFunction<Sample> f) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = samples.stream().mapToDouble(Sample::minutes).average().orElse(0);
    double my = samples.stream().mapToDouble(f).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      sxy += (s.minutes() - mx) * (f.applyAsDouble(s) - my);
      sxx += (s.minutes() - mx) * (s.minutes() - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx * 60;
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
    double[] v = samples.stream().mapToDouble(f).sorted().toArray();
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Small line charts over time, one per resource, written with Java2D (no plotting library needed). */
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
