package io.aimsmonitor.bench;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.TestStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The findings API at scale (issue #14): N findings (100,000 by default) reconciled into H2 or
 * PostgreSQL (timed: the first reconciliation opens them all, the second sees them all again), then
 * the service started on that database ({@code serve}'s application, scheduler off so nothing
 * changes under the load) and {@code wrk} (Debian's package) sending {@code GET /api/findings} from
 * 32 connections: random pages (a cursor drawn from every page of the list), deep pages (the last
 * tenth), the first page, and random pages of the open findings ({@code status=open}, the overview's
 * link and a filter on the leading column of an index). Appends to {@code bench/results/api.csv}:
 * database, findings, reconciliation times, and p50/p99 latency and requests per second per
 * scenario. Prints beside each row the service's CPU time per request (the process's CPU time over
 * the measured run divided by its requests), which, unlike the latencies, does not grow with the
 * load of a shared machine. Each scenario is measured after warm-up rounds of 5 s that end when the
 * JIT has nearly nothing left to compile, and the JIT's time in the measured run is printed too.
 *
 * <p>Arguments: {@code [findings] [h2|postgres] [seconds]}, default {@code 100000 h2 20}. With
 * {@code seconds} 0 only the two reconciliations run and are printed (nothing appended): to measure
 * the write path alone, e.g. before and after a change of it.
 *
 * <p>For repeated measurements of the API alone (before and after a change of the read path, back
 * to back): {@code -Daims.bench.h2-dir=DIR} serves the H2 database an earlier run left in
 * {@code DIR} (printed) instead of seeding one, and appends nothing, since it has no reconciliation
 * times; {@code -Daims.bench.scenarios=random,open} runs only the scenarios whose names start with
 * one of these words.
 */
public final class FindingsApiBench {

  static final String HEADER = "db,findings,reconcile_first_s,reconcile_steady_s,scenario,connections,p50_ms,p99_ms,"
      + "requests_per_s,errors";
  private static final String PASSWORD = "bench-" + Long.toHexString(System.nanoTime());
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Warm-up rounds of 5 s at most, ended by the first in which the JIT compiled for less than {@link #WARM_UP_JIT_MS}. */
  private static final int WARM_UP_ROUNDS_MAX = 6;
  private static final long WARM_UP_JIT_MS = 250;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String dbName = args.length > 1 ? args[1] : "h2";
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path out = Path.of(System.getProperty("aims.bench.out", "bench/results/api.csv"));
    Files.createDirectories(out.getParent());
    if (!Files.exists(out)) {
      Files.writeString(out, HEADER + "\n");
    }
    String reuse = System.getProperty("aims.bench.h2-dir");
    if (reuse != null && !dbName.equals("h2")) {
      throw new IllegalArgumentException("aims.bench.h2-dir serves an H2 database, not " + dbName);
    }
    Path dir = reuse != null ? Path.of(reuse) : Files.createTempDirectory("aims-api-bench");
    Path rules = Path.of(System.getProperty("aims.bench.rules", "rules")).toAbsolutePath();
    List<String> only = List.of(System.getProperty("aims.bench.scenarios", "").split(",")).stream()
        .filter(w -> !w.isBlank()).toList();
    Map<String, String> props = new HashMap<>();
    double[] reconcile;
    javax.sql.DataSource backends = null;
    String application = null;
    BenchDatabases.Db db = dbName.equals("h2") ? BenchDatabases.h2(dir) : BenchDatabases.postgres("api");
    try {
      if (reuse != null) {
        reconcile = new double[] {Double.NaN, Double.NaN};
        // the admin was created with the earlier run's password: created again with this one's
        org.springframework.jdbc.core.simple.JdbcClient.create(db.dataSource()).sql("DELETE FROM app_user").update();
      } else {
        reconcile = seed(TestStore.on(db.dataSource()), n, rules);
        if (dbName.equals("h2")) {
          System.err.println("H2 database (for -Daims.bench.h2-dir): " + dir);
        }
      }
      if (seconds == 0) {
        System.out.printf(Locale.ROOT, "%s,%d,%.2f,%.2f%n", dbName, n, reconcile[0], reconcile[1]);
        return;
      }
      BenchDatabases.analyzeAsAutovacuumWould(db);
      if (dbName.equals("h2")) {
        db.close(); // the service opens the file itself
        props.put("spring.datasource.url", "jdbc:h2:file:" + dir.toAbsolutePath().resolve("aims") + ";DB_CLOSE_ON_EXIT=FALSE");
      } else {
        String schema = "aims_bench_api_" + ProcessHandle.current().pid();
        // named, so that the service's backends can be found and their CPU time read (wrk)
        String url = System.getenv(BenchDatabases.POSTGRES_URL_ENV);
        props.put("spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + schema);
        backends = db.dataSource();
        application = schema;
        props.put("spring.datasource.hikari.schema", schema);
        props.put("spring.flyway.schemas", schema);
      }
      Files.createDirectories(dir.resolve("connectors"));
      props.put("aims.data-dir", dir.toString());
      props.put("aims.connectors-dir", dir.resolve("connectors").toString());
      props.put("aims.rules-dir", rules.toString());
      props.put("aims.scheduler.enabled", "false");
      props.put("aims.security.admin-password", PASSWORD);
      props.put("server.port", "0");
      props.put("logging.level.root", "WARN");
      List<String> rows = new ArrayList<>();
      // as command-line arguments: they outrank application.yaml, which default properties do not
      String[] arguments = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
      try (ConfigurableApplicationContext app = new SpringApplicationBuilder(AimsMonitorApplication.class).run(arguments)) {
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        String base = "http://127.0.0.1:" + port;
        String auth = bearerToken(base);
        List<String> cursors = cursors(base, auth, "");
        System.err.printf("%,d pages of 50 walked%n", cursors.size() + 1);
        int deepFrom = (int) (cursors.size() * 0.9);
        List<Scenario> scenarios = List.of(new Scenario("random pages", "", cursors),
            new Scenario("deep pages (last 10%)", "", cursors.subList(deepFrom, cursors.size())),
            new Scenario("first page", "", List.of()),
            new Scenario("open findings: random pages", "&status=open", null));
        for (Scenario scenario : scenarios) {
          if (!only.isEmpty() && only.stream().noneMatch(scenario.name()::startsWith)) {
            continue;
          }
          List<String> pages = scenario.cursors() != null ? scenario.cursors() : cursors(base, auth, scenario.filter());
          String line = wrk(base, auth, scenario.filter(), pages, 32, seconds, dir, new Backends(backends, application));
          rows.add(String.format(Locale.ROOT, "%s,%d,%.2f,%.2f,%s,32,%s", dbName, n, reconcile[0], reconcile[1],
              scenario.name(), line));
          System.out.println(rows.get(rows.size() - 1));
        }
      }
      if (reuse != null) {
        return; // no reconciliation times: nothing to append
      }
      for (String row : rows) {
        Files.writeString(out, row + "\n", StandardOpenOption.APPEND);
      }
    } finally {
      db.close();
    }
  }

  /** Reconciles {@code n} violations of the shipped rules twice: all new, then all seen again. */
  static double[] seed(TestStore store, int n, Path rules) {
    RuleBook book = new RuleBook(rules, new RulePackLoader(ControlCatalog.bundled()), Map.of(), Clock.systemUTC());
    book.reload();
    Map<String, RuleDefinition> defs = book.rules();
    List<String> ids = new ArrayList<>(defs.keySet());
    List<Violation> violations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String rule = ids.get(i % ids.size());
      String key = "mlflow:model-" + (i / ids.size()) + "/" + (i % 7 + 1);
      violations.add(new Violation(rule, new Subject("ModelVersion", key, "model-" + (i / ids.size()) + " v" + (i % 7 + 1),
          "https://mlflow.example/" + i), "Model model-" + i + " breaks " + rule + ".",
          Map.of("source", "mlflow", "stage", "Production", "owners", List.of("owner-" + (i % 13))),
          List.of("owner-" + (i % 13))));
    }
    FindingRepository findings = store.findings();
    Reconciler reconciler = new Reconciler();
    double[] times = new double[2];
    Instant at = Instant.parse("2026-11-01T00:00:00Z");
    for (int round = 0; round < 2; round++) {
      long t = System.nanoTime();
      Map<String, Finding> existing = findings.forReconcile(violations.stream()
          .map(v -> Finding.idOf(v.ruleId(), v.subject().key())).toList());
      Reconciler.Result result = reconciler.reconcile(new Reconciler.Input(existing, violations, defs, defs.keySet(),
          Set.of(), Map.of("mlflow", 1L), at.plusSeconds(60L * round)));
      findings.apply(result);
      times[round] = (System.nanoTime() - t) / 1e9;
      System.err.printf("reconciliation %d of %,d violations: %.2f s (%,d changed, %,d seen again, %,d events)%n",
          round + 1, n, times[round], result.changed().size(), result.seenUnchanged().size(), result.events().size());
    }
    return times;
  }

  /**
   * One load of wrk.
   *
   * @param filter query parameters after {@code limit=50}, e.g. {@code &status=open}
   * @param cursors the cursors drawn from; null: those of every page of the filtered list
   */
  private record Scenario(String name, String filter, List<String> cursors) {}

  /** The {@code next} cursor of every page of the list, 50 per page, with {@code filter}'s parameters. */
  private static List<String> cursors(String base, String auth, String filter) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<String> out = new ArrayList<>();
    String cursor = null;
    do {
      String url = base + "/api/findings?limit=50" + filter + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
      }
      JsonNode page = JSON.readTree(r.body());
      cursor = page.path("next").isString() ? page.path("next").asString() : null;
      if (cursor != null) {
        out.add(cursor);
      }
    } while (cursor != null);
    return out;
  }

  /**
   * A viewer's API token, created once with the admin's password: API clients (dashboards, scripts)
   * send a bearer token, and a password checked per request is BCrypt by design (tens of ms of CPU),
   * which would measure the password hash, not the findings query.
   */
  private static String bearerToken(String base) throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/tokens"))
        .header("Authorization", basic).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"findings-api-bench\", \"role\": \"VIEWER\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("POST /api/tokens: HTTP " + r.statusCode() + " " + r.body());
    }
    return "Bearer " + JSON.readTree(r.body()).path("secret").asString();
  }

  /**
   * Runs wrk with a script that picks a cursor at random per request; "p50,p99,rps,errors". Prints
   * the service's CPU time and heap allocation per request of the measured run (this process's,
   * which wrk, a process of its own, is not part of; allocation drives the young collections
   * whose pauses every request in flight waits out).
   */
  private static String wrk(String base, String auth, String filter, List<String> cursors, int connections, int seconds,
      Path dir, Backends backends) throws Exception {
    StringBuilder lua = new StringBuilder("local cursors = {");
    for (String c : cursors) {
      lua.append('"').append(c).append("\",");
    }
    lua.append("}\n")
        .append("math.randomseed(os.time())\n")
        .append("wrk.headers[\"Authorization\"] = \"").append(auth).append("\"\n")
        .append("request = function()\n")
        .append("  if #cursors == 0 then return wrk.format(\"GET\", \"/api/findings?limit=50").append(filter)
        .append("\") end\n")
        .append("  return wrk.format(\"GET\", \"/api/findings?limit=50").append(filter)
        .append("&cursor=\" .. cursors[math.random(#cursors)])\n")
        .append("end\n");
    Path script = dir.resolve("pages.lua");
    Files.writeString(script, lua);
    // Warm-up (JIT, pool), then the measured run. WHY until the JIT is nearly idle rather than a
    // fixed 5 s: after the in-process seeding the compilers were still busy in the first scenario's
    // measured 20 s (6 to 7 s of compiler CPU on PostgreSQL at a shared machine's load, 0.3 to 0.4 ms
    // a request), so the first scenario measured a service still warming up, not the API.
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    for (int round = 0; round < WARM_UP_ROUNDS_MAX; round++) {
      long compiled = jit.getTotalCompilationTime();
      run(List.of("wrk", "-t2", "-c" + connections, "-d5s", "--timeout", "30s", "-s", script.toString(), base + "/"));
      if (jit.getTotalCompilationTime() - compiled < WARM_UP_JIT_MS) {
        break;
      }
    }
    long jitBefore = jit.getTotalCompilationTime();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = os.getProcessCpuTime();
    long allocated = threads.getTotalThreadAllocatedBytes();
    long backendCpu = backends.cpuNanos();
    String output = run(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--timeout", "30s", "--latency", "-s",
        script.toString(), base + "/"));
    cpu = os.getProcessCpuTime() - cpu;
    allocated = threads.getTotalThreadAllocatedBytes() - allocated;
    backendCpu = backends.cpuNanos() - backendCpu;
    System.err.println(output);
    String requests = number(output, "(\\d+) requests in");
    if (!requests.isEmpty()) {
      long n = Long.parseLong(requests);
      System.out.printf(Locale.ROOT, "service CPU per request: %.2f ms, allocated per request: %.0f kB%s (%,d requests%s;"
          + " JIT compiling %.1f s of the run)%n",
          cpu / 1e6 / n, allocated / 1e3 / n,
          backends.known() ? String.format(Locale.ROOT, ", PostgreSQL backends' CPU per request: %.2f ms", backendCpu / 1e6 / n) : "",
          n, filter.isEmpty() ? "" : ", " + filter, (jit.getTotalCompilationTime() - jitBefore) / 1e3);
    }
    return ms(output, "50%") + "," + ms(output, "99%") + "," + number(output, "Requests/sec:\\s+([0-9.]+)") + ","
        + errors(output);
  }

  /**
   * The PostgreSQL backends serving the service's pool (its connections carry the application name),
   * whose CPU time is read from {@code /proc} when the server runs on this machine: the database's
   * share of a request, which the service's own CPU time leaves out. Unknown (H2, or a remote server)
   * when no backend's {@code /proc} entry can be read.
   */
  private record Backends(javax.sql.DataSource db, String application) {

    boolean known() {
      return db != null && cpuNanos() >= 0;
    }

    /** User and system CPU of the backends now connected, in nanoseconds; -1 if not readable. */
    long cpuNanos() {
      if (db == null) {
        return -1;
      }
      List<Long> pids = org.springframework.jdbc.core.simple.JdbcClient.create(db)
          .sql("SELECT pid FROM pg_stat_activity WHERE application_name = ?").param(application)
          .query(Long.class).list();
      long ticks = 0;
      for (long pid : pids) {
        try {
          ticks += ProcStat.read(Path.of("/proc", Long.toString(pid), "stat")).cpuTicks();
        } catch (java.io.IOException | RuntimeException e) {
          return -1;
        }
      }
      return pids.isEmpty() ? -1 : ticks * (1_000_000_000L / ProcStat.TICKS_PER_SECOND);
    }
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  /** A latency percentile of wrk's --latency table, in milliseconds. */
  static String ms(String output, String percentile) {
    Matcher m = Pattern.compile(Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(output);
    if (!m.find()) {
      return "";
    }
    double v = Double.parseDouble(m.group(1));
    double factor = switch (m.group(2)) {
      case "us" -> 0.001;
      case "s" -> 1000;
      default -> 1;
    };
    return String.format(Locale.ROOT, "%.1f", v * factor);
  }

  private static String number(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    return m.find() ? m.group(1) : "";
  }

  private static String errors(String output) {
    Matcher m = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(output);
    long non2xx = m.find() ? Long.parseLong(m.group(1)) : 0;
    Matcher s = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(output);
    long socket = 0;
    if (s.find()) {
      for (int i = 1; i <= 4; i++) {
        socket += Long.parseLong(s.group(i));
      }
    }
    return String.valueOf(non2xx + socket);
  }
}
