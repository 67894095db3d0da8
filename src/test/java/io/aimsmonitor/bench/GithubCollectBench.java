package io.aimsmonitor.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.connector.github.GithubActionsConnectorType;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Benchmark: the github-actions connector collecting 10,000 workflow runs of one repository over
 * 100 pages of 100 from a local GitHub look-alike (JDK HttpServer on loopback serving pre-generated
 * runs in the shape of GitHub's {@code workflow-run} example, with {@code Link} headers and ETags),
 * against a raw sequential fetch of the same 100 pages with the same client settings and no
 * parsing. Measures a full collection (empty ETag cache), a full refresh with a warm ETag cache
 * (every page a 304), and the incremental steady state (a previous snapshot; nothing new). Not a
 * unit test: run it by hand, see docs/benchmarks.md.
 *
 * <p>Arguments (optional): {@code runs rounds warmup}, default {@code 10000 5 10}. The warm-up rounds
 * (not timed) let the JIT compile both paths first: with two, the early timed rounds were two to
 * four times the later ones and the median measured the compiler, not the connector. After the
 * given number, warm-up goes on until the JIT compiler threads are quiet (at most 20 ms of their
 * CPU over the last five rounds; at most 300 rounds): after 10 rounds they still used 20 to 60 ms
 * of CPU per round, a core taken from the timed rounds, which hurt the connector (two cores busy)
 * more than the sequential raw fetch (one).
 */
public final class GithubCollectBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String RUNS = "/repos/acme/credit-risk/actions/runs";
  private static final int PER_PAGE = 100;

  private final Map<Integer, byte[]> pages = new HashMap<>();
  private final Map<Integer, String> etags = new HashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();
  // whole seconds, as GitHub writes its timestamps ("2020-01-22T19:33:08Z" in the REST description);
  // Instant.now() carries nanoseconds, which sent every timestamp down the general parser's slow path
  private final Instant newest = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(Duration.ofHours(2));
  private int lastPage;
  private URI base;

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // see MlflowCollectBench
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    new GithubCollectBench().run(runs, rounds, warmup);
  }

  private void generate(int runs) {
    lastPage = (runs + PER_PAGE - 1) / PER_PAGE;
    for (int page = 1; page <= lastPage; page++) {
      ArrayNode items = JSON.createArrayNode();
      for (int i = (page - 1) * PER_PAGE; i < Math.min(runs, page * PER_PAGE); i++) {
        items.add(run(30_000_000L + runs - i, newest.minus(Duration.ofMinutes(10L * i))));
      }
      ObjectNode body = JSON.createObjectNode();
      body.put("total_count", runs);
      body.set("workflow_runs", items);
      pages.put(page, JSON.writeValueAsBytes(body));
      etags.put(page, "W/\"page-" + page + "-" + Integer.toHexString(body.hashCode()) + "\"");
    }
  }

  private static ObjectNode run(long id, Instant created) {
    ObjectNode r = JSON.createObjectNode();
    String sha = String.format(Locale.ROOT, "%040x", id * 7919);
    String repo = "acme/credit-risk";
    r.put("id", id).put("name", id % 3 == 0 ? "nightly-evaluation" : "train-and-evaluate")
        .put("node_id", "WFR_kwLOA" + id).put("check_suite_id", id * 3).put("head_branch", "main")
        .put("head_sha", sha).put("path", ".github/workflows/train.yml").put("run_number", id % 100_000)
        .put("event", "push").put("display_title", "Update training pipeline").put("status", "completed")
        .put("conclusion", id % 10 == 0 ? "failure" : "success").put("workflow_id", 159038)
        .put("url", "https://api.github.com/repos/" + repo + "/actions/runs/" + id)
        .put("html_url", "https://github.com/" + repo + "/actions/runs/" + id)
        .put("created_at", created.toString()).put("updated_at", created.plusSeconds(1800).toString())
        .put("run_attempt", 1).put("run_started_at", created.toString())
        .put("jobs_url", "https://api.github.com/repos/" + repo + "/actions/runs/" + id + "/jobs")
        .put("logs_url", "https://api.github.com/repos/" + repo + "/actions/runs/" + id + "/logs")
        .put("workflow_url", "https://api.github.com/repos/" + repo + "/actions/workflows/159038");
    r.putArray("pull_requests");
    r.putObject("actor").put("login", "octocat").put("id", 1).put("type", "User");
    r.putObject("head_commit").put("id", sha).put("message", "Update training pipeline")
        .put("timestamp", created.toString());
    r.putObject("repository").put("id", 1296269).put("name", "credit-risk").put("full_name", repo)
        .put("private", true);
    return r;
  }

  private void run(int runs, int rounds, int warmup) throws Exception {
    generate(runs);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    java.util.concurrent.atomic.AtomicInteger serverThreadNumber = new java.util.concurrent.atomic.AtomicInteger();
    // named, so that the CPU measure can tell the look-alike's threads from the client's
    ExecutorService serverThreads = Executors.newFixedThreadPool(4,
        task -> new Thread(task, "bench-server-" + serverThreadNumber.incrementAndGet()));
    server.setExecutor(serverThreads);
    server.createContext("/", this::serve);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try {
      long bytes = pages.values().stream().mapToLong(b -> b.length).sum();
      System.out.printf(Locale.ROOT, "%,d runs in %d pages of %d, %.1f MB of JSON; %s, %d cores, Java %s%n%n", runs,
          lastPage, PER_PAGE, bytes / 1e6, System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      ConnectorConfig config = config();
      if (setting("BENCH_PROFILE") != null) {
        // for a profiler: only the full collection (or only the raw fetch), over and over
        boolean raw = setting("BENCH_PROFILE").equals("raw");
        for (int i = 0; i < rounds; i++) {
          if (raw) {
            rawFetch(config);
          } else {
            collect(config, newType(), List.of(), true);
          }
        }
        return;
      }
      // warm-up: whole rounds, all four variants (the warm cache and incremental paths need
      // compiling too), then on until the JIT compiler threads are quiet
      List<Long> jitTicks = new ArrayList<>();
      int warmedUp = 0;
      while (warmedUp < warmup || (recentSum(jitTicks, 5) > 2 && warmedUp < Math.max(warmup, 300))) {
        long jitBefore = taskTicks()[3];
        if (setting("BENCH_MEASURE") != null) {
          collect(config, newType(), List.of(), true);
          rawFetch(config);
        } else {
          round(config);
        }
        jitTicks.add(taskTicks()[3] - jitBefore);
        warmedUp++;
      }
      System.out.printf(Locale.ROOT, "%d warm-up rounds; JIT compiler threads over the last five: %d ms of CPU%n", warmedUp,
          recentSum(jitTicks, 5) * 10);
      long jitAtStart = taskTicks()[3];
      if (setting("BENCH_MEASURE") != null) {
        measureCpu(config, Integer.parseInt(setting("BENCH_MEASURE")), rounds);
        return;
      }
      List<Long> fullMs = new ArrayList<>();
      List<Long> warmMs = new ArrayList<>();
      List<Long> incrementalMs = new ArrayList<>();
      List<Long> rawMs = new ArrayList<>();
      List<Long> fullCpu = new ArrayList<>();
      List<Long> rawCpu = new ArrayList<>();
      Round last = null;
      for (int i = 0; i < rounds; i++) {
        last = round(config);
        fullMs.add(last.fullMs);
        warmMs.add(last.warmMs);
        incrementalMs.add(last.incrementalMs);
        rawMs.add(last.rawMs);
        fullCpu.add(last.fullCpuMs);
        rawCpu.add(last.rawCpuMs);
      }
      long[] fullRequests = {last.fullRequests};
      long[] warmNotModified = {last.warmNotModified};
      long[] incrementalRequests = {last.incrementalRequests};
      int facts = last.facts;
      long raw = median(rawMs);
      long full = median(fullMs);
      long jitTimed = (taskTicks()[3] - jitAtStart) * 10;
      System.out.printf(Locale.ROOT, "| measurement (median of %d, after %d warm-up rounds) | wall time | requests |%n|---|---:|---:|%n",
          rounds, warmedUp);
      System.out.printf(Locale.ROOT, "| raw sequential GETs of the %d pages, same client settings, no parsing | %,d ms | %d |%n",
          lastPage, raw, lastPage);
      System.out.printf(Locale.ROOT, "| github-actions connector, full collection, empty ETag cache | %,d ms | %d |%n", full,
          fullRequests[0]);
      System.out.printf(Locale.ROOT, "| github-actions connector, full refresh, warm ETag cache (304s) | %,d ms | %d (%d answered 304) |%n",
          median(warmMs), lastPage, warmNotModified[0]);
      System.out.printf(Locale.ROOT, "| github-actions connector, incremental (previous snapshot, nothing new) | %,d ms | %d |%n%n",
          median(incrementalMs), incrementalRequests[0]);
      System.out.printf(Locale.ROOT, "ratio full collection / raw: %.2fx (target <= 1.5x); %,d PipelineRun facts%n",
          (double) full / raw, facts);
      List<Double> pairRatios = new ArrayList<>();
      for (int i = 0; i < fullMs.size(); i++) {
        pairRatios.add((double) fullMs.get(i) / Math.max(1, rawMs.get(i)));
      }
      pairRatios.sort(null);
      // each round times both back to back, so a round's ratio shares that moment's load
      System.out.printf(Locale.ROOT, "median of the per-round ratios: %.2fx%n", pairRatios.get(pairRatios.size() / 2));
      System.out.printf(Locale.ROOT, "process CPU time (server and client, median): full collection %d ms, raw fetch %d ms%n",
          median(fullCpu), median(rawCpu));
      System.out.printf(Locale.ROOT, "JIT compiler threads during the timed rounds: %d ms of CPU (%.1f ms per round)%n",
          jitTimed, (double) jitTimed / rounds);
      System.out.printf(Locale.ROOT, "rounds: full %s, warm %s, incremental %s, raw %s (ms)%n", fullMs, warmMs,
          incrementalMs, rawMs);
    } finally {
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  /** What one round measured: wall times (ms), process CPU (ms), requests. */
  private record Round(long fullMs, long warmMs, long incrementalMs, long rawMs, long fullCpuMs, long rawCpuMs,
      long fullRequests, long warmNotModified, long incrementalRequests, int facts) {}

  /** One round: full collection, full refresh with the warm cache, incremental, raw fetch; a GC before each. */
  private Round round(ConnectorConfig config) throws Exception {
    ConnectorType type = newType();
    System.gc();
    long before = requests.get();
    long cpu = cpuNanos();
    long start = System.nanoTime();
    List<Fact> snapshot = collect(config, type, List.of(), true);
    long fullMs = ms(start);
    long fullCpu = (cpuNanos() - cpu) / 1_000_000;
    long fullRequests = requests.get() - before;

    System.gc();
    long nm = notModified.get();
    start = System.nanoTime();
    collect(config, type, List.of(), true);
    long warmMs = ms(start);
    long warmNotModified = notModified.get() - nm;

    System.gc();
    before = requests.get();
    start = System.nanoTime();
    collect(config, newType(), snapshot, false);
    long incrementalMs = ms(start);
    long incrementalRequests = requests.get() - before;

    System.gc();
    cpu = cpuNanos();
    start = System.nanoTime();
    rawFetch(config);
    long rawMs = ms(start);
    long rawCpu = (cpuNanos() - cpu) / 1_000_000;
    return new Round(fullMs, warmMs, incrementalMs, rawMs, fullCpu, rawCpu, fullRequests, warmNotModified,
        incrementalRequests, snapshot.size());
  }

  /** A fresh type: its ETag cache starts empty, as after a restart. */
  private static ConnectorType newType() {
    return new GithubActionsConnectorType();
  }

  private List<Fact> collect(ConnectorConfig config, ConnectorType type, List<Fact> previous, boolean full)
      throws Exception {
    List<Fact> facts = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    HttpClientFactory http = new HttpClientFactory(config, new Secrets(Map.of()), Progress.NONE, Cancellation.NEVER,
        clock);
    type.create(config).collect(new CollectContext(config, http, facts::add, Cancellation.NEVER, Progress.NONE,
        previous, full, clock));
    return facts;
  }

  private void rawFetch(ConnectorConfig config) throws Exception {
    HttpClientFactory factory = new HttpClientFactory(config, new Secrets(Map.of()), Progress.NONE,
        Cancellation.NEVER, Clock.systemUTC());
    long bytes = 0;
    try (CloseableHttpClient client = factory.buildClient()) {
      for (int page = 1; page <= lastPage; page++) {
        HttpGet get = new HttpGet(base + RUNS + "?per_page=100&exclude_pull_requests=true" + (page == 1 ? "" : "&page=" + page));
        get.setHeader("Accept", "application/vnd.github+json");
        bytes += client.execute(get, response -> EntityUtils.toByteArray(response.getEntity()).length);
      }
    }
    if (bytes == 0) {
      throw new IllegalStateException("raw fetch read nothing");
    }
  }

  private ConnectorConfig config() {
    HttpSettings defaults = HttpSettings.DEFAULTS;
    int inFlight = Integer.getInteger("bench.maxInFlight", defaults.maxInFlight());
    HttpSettings d = new HttpSettings(defaults.connectTimeout(), defaults.requestTimeout(), defaults.runTimeout(),
        defaults.maxRetries(), inFlight, defaults.maxPages(), defaults.caBundle(), defaults.proxy(),
        defaults.maxResponseBytes());
    return new ConnectorConfig("bench-github", "github-actions", base, AuthConfig.NONE, "0 0 * * * ?",
        Duration.ofHours(1), Duration.ofDays(1), true, d, Map.of("repositories", List.of("acme/credit-risk")),
        Path.of("connectors/bench-github.yaml"));
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      String query = exchange.getRequestURI().getRawQuery();
      int page = 1;
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.startsWith("page=")) {
            page = Integer.parseInt(pair.substring(5));
          }
        }
      }
      byte[] body = exchange.getRequestURI().getPath().equals(RUNS) ? pages.get(page) : null;
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", "application/json; charset=utf-8");
      headers.set("x-ratelimit-limit", "5000");
      headers.set("x-ratelimit-remaining", "4999");
      headers.set("x-ratelimit-reset", String.valueOf(Instant.now().plusSeconds(3600).getEpochSecond()));
      if (body == null) {
        byte[] error = "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      String link = base + RUNS + "?per_page=100&exclude_pull_requests=true&page=";
      if (page < lastPage) {
        headers.set("Link", "<" + link + (page + 1) + ">; rel=\"next\", <" + link + lastPage + ">; rel=\"last\"");
      }
      headers.set("ETag", etags.get(page));
      if (etags.get(page).equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        notModified.incrementAndGet();
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /**
   * {@code BENCH_MEASURE=n}: CPU and allocation per collection instead of wall time, for a shared
   * machine where wall-time ratios are noise. {@code blocks} blocks of {@code n} full collections and
   * {@code n} raw fetches (alternating which goes first); for each side the CPU of the process split
   * by thread from /proc/self/task (the look-alike server's threads, the JIT compilers, GC and VM
   * threads, and the rest: the client, i.e. the connector's threads or the raw fetch's, including
   * page threads that ended, whose time stays in the process total), and the bytes allocated
   * (heap growth plus what each GC freed).
   */
  private void measureCpu(ConnectorConfig config, int n, int blocks) throws Exception {
    GcAccounting gc = new GcAccounting();
    long[][] sums = new long[2][6]; // per side: client, server, gc+vm, jit (all clock ticks), wall ns, allocated bytes
    int[] gcs = new int[2];
    for (int b = 0; b < blocks; b++) {
      for (int k = 0; k < 2; k++) {
        int side = (b % 2 == 0) ? k : 1 - k; // 0 = full collection, 1 = raw fetch
        System.gc();
        Thread.sleep(50);
        long[] before = taskTicks();
        long allocated = gc.allocatedBytes();
        int collections = gc.count();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (side == 0) {
            collect(config, newType(), List.of(), true);
          } else {
            rawFetch(config);
          }
        }
        long wall = System.nanoTime() - start;
        long[] after = taskTicks();
        Thread.sleep(50); // GC notifications arrive on a service thread
        sums[side][5] += gc.allocatedBytes() - allocated;
        gcs[side] += gc.count() - collections;
        for (int f = 0; f < 4; f++) {
          sums[side][f] += after[f] - before[f];
        }
        if (System.getenv("BENCH_VERBOSE") != null) {
          System.out.printf(Locale.ROOT, "block %d %s: client %d, server %d, gc+vm %d, jit %d ticks, %d ms%n", b,
              side == 0 ? "full" : "raw", after[0] - before[0], after[1] - before[1], after[2] - before[2],
              after[3] - before[3], wall / 1_000_000);
        }
        sums[side][4] += wall;
      }
    }
    double tick = 1000.0 / 100; // ms per clock tick (USER_HZ 100 on Linux)
    int total = n * blocks;
    System.out.printf(Locale.ROOT, "per collection, %d blocks of %d each (ms of CPU; JIT threads not counted):%n", blocks, n);
    System.out.println("| side | client threads CPU | server threads CPU | GC + VM threads CPU | JIT | wall | allocated | GCs |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    String[] names = {"connector, full collection", "raw fetch"};
    for (int side = 0; side < 2; side++) {
      long[] s = sums[side];
      System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f MB | %.2f |%n", names[side],
          s[0] * tick / total, s[1] * tick / total, s[2] * tick / total, s[3] * tick / total, s[4] / 1e6 / total,
          s[5] / 1e6 / total, (double) gcs[side] / total);
    }
    System.out.printf(Locale.ROOT, "client CPU ratio full / raw: %.2fx; client + GC: %.2fx; all but JIT: %.2fx%n",
        (double) sums[0][0] / sums[1][0], (double) (sums[0][0] + sums[0][2]) / (sums[1][0] + sums[1][2]),
        (double) (sums[0][0] + sums[0][1] + sums[0][2]) / (sums[1][0] + sums[1][1] + sums[1][2]));
  }

  private static long recentSum(List<Long> values, int last) {
    return values.size() < last ? Long.MAX_VALUE
        : values.subList(values.size() - last, values.size()).stream().mapToLong(Long::longValue).sum();
  }

  /** Clock ticks of CPU since start: {client, server, gc+vm, jit}; the client is the process less the others. */
  private static long[] taskTicks() throws IOException {
    long process = ProcStat.read(Path.of("/proc/self/stat")).cpuTicks();
    long server = 0, gcVm = 0, jit = 0;
    try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        ProcStat stat;
        try {
          stat = ProcStat.read(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // a thread that ended meanwhile: its time is in the process total
        }
        String comm = stat.name();
        long t = stat.cpuTicks();
        if (comm.startsWith("bench-server") || comm.startsWith("HTTP-Dispatcher")) {
          server += t;
        } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
          jit += t;
        } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")
            || comm.startsWith("VM Periodic")) {
          gcVm += t;
        }
      }
    }
    return new long[] {process - server - gcVm - jit, server, gcVm, jit};
  }

  /** utime + stime of a /proc stat line (fields 14 and 15). */

  /** Bytes allocated on the heap so far: what is in use now plus what every GC since the start freed. */
  private static final class GcAccounting {
    private final AtomicLong freed = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    GcAccounting() {
      for (var bean : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) bean).addNotificationListener((notification, handback) -> {
          if (!notification.getType().equals(
              com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
          }
          var info = com.sun.management.GarbageCollectionNotificationInfo.from(
              (javax.management.openmbean.CompositeData) notification.getUserData()).getGcInfo();
          long before = info.getMemoryUsageBeforeGc().values().stream().mapToLong(u -> u.getUsed()).sum();
          long after = info.getMemoryUsageAfterGc().values().stream().mapToLong(u -> u.getUsed()).sum();
          freed.addAndGet(before - after);
          count.incrementAndGet();
        }, null, null);
      }
    }

    long allocatedBytes() {
      return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + freed.get();
    }

    int count() {
      return count.get();
    }
  }

  /** CPU time of the whole process (look-alike server and client both: they share the two cores). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  /** An environment setting of the bench, null when unset or blank ({@code BENCH_MEASURE= bench/run ...} means off). */
  private static String setting(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
