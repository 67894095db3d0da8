package io.aimsmonitor.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Benchmark: the mlflow connector collecting 10,000 model versions (500 registered models x 20)
 * and their 10,000 source runs from a local MLflow look-alike (JDK HttpServer on loopback serving
 * pre-generated MLflow-shaped JSON), against a raw sequential fetch of the same URLs with the same
 * client settings and no parsing or mapping. Reports wall time, requests, the ratio, the
 * incremental steady state and peak heap. Not a unit test (not named *Test): run it by hand,
 * see docs/benchmarks.md.
 *
 * <p>Arguments (optional): {@code models versionsPerModel rounds}, default {@code 500 20 5}.
 */
public final class MlflowCollectBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String API = "/api/2.0/mlflow";
  private static final int PAGE = 1000;

  private final Map<String, byte[]> modelPages = new HashMap<>();
  private final Map<String, byte[]> versionPages = new HashMap<>();
  private final Map<String, byte[]> runs = new HashMap<>();
  private final List<String> urls = new ArrayList<>();
  private final AtomicLong requests = new AtomicLong();

  public static void main(String[] args) throws Exception {
    // The JDK HttpServer writes headers and body separately; without TCP_NODELAY, Nagle plus the
    // client's delayed ACK stalls every response by ~40 ms and we would measure that, not the code.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int models = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int perModel = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    new MlflowCollectBench(models, perModel).run(rounds);
  }

  private MlflowCollectBench(int models, int perModel) {
    generate(models, perModel);
  }

  private void run(int rounds) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    ExecutorService serverThreads = Executors.newFixedThreadPool(8);
    server.setExecutor(serverThreads);
    server.createContext("/", this::serve);
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try {
      printMachine();
      long bytes = modelPages.values().stream().mapToLong(b -> b.length).sum()
          + versionPages.values().stream().mapToLong(b -> b.length).sum()
          + runs.values().stream().mapToLong(b -> b.length).sum();
      System.out.printf(Locale.ROOT, "registry: %,d versions, %,d runs, %d listing pages of %d, %.1f MB of JSON%n%n",
          runs.size(), runs.size(), modelPages.size() + versionPages.size(), PAGE, bytes / 1e6);

      ConnectorConfig parallel = config(base, HttpSettings.DEFAULTS.maxInFlight());
      ConnectorConfig sequential = config(base, 1);
      // warm up the JIT on every path before measuring
      for (int i = 0; i < 2; i++) {
        collect(parallel, List.of());
        collect(sequential, List.of());
        rawFetch(parallel);
      }

      List<Long> connectorMs = new ArrayList<>();
      List<Long> sequentialMs = new ArrayList<>();
      List<Long> rawMs = new ArrayList<>();
      long connectorRequests = 0;
      long rawRequests = 0;
      List<Fact> snapshot = List.of();
      for (int i = 0; i < rounds; i++) {
        gc();
        long before = requests.get();
        long start = System.nanoTime();
        snapshot = collect(parallel, List.of());
        connectorMs.add(elapsedMs(start));
        connectorRequests = requests.get() - before;

        gc();
        start = System.nanoTime();
        collect(sequential, List.of());
        sequentialMs.add(elapsedMs(start));

        gc();
        before = requests.get();
        start = System.nanoTime();
        rawFetch(parallel);
        rawMs.add(elapsedMs(start));
        rawRequests = requests.get() - before;
      }
      long versions = snapshot.stream().filter(ModelVersion.class::isInstance).count();

      gc();
      long before = requests.get();
      long start = System.nanoTime();
      List<Fact> steady = collect(parallel, snapshot);
      long steadyMs = elapsedMs(start);
      long steadyRequests = requests.get() - before;

      snapshot = null;
      steady = null;
      gc();
      HeapWatch heap = HeapWatch.start();
      List<Fact> measured = collect(parallel, List.of());
      long peak = heap.stop();
      long baseline = heap.baseline();
      gc();
      long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - baseline;

      long c = median(connectorMs);
      long s = median(sequentialMs);
      long r = median(rawMs);
      System.out.printf(Locale.ROOT, "| measurement (median of %d) | wall time | requests |%n|---|---:|---:|%n", rounds);
      System.out.printf(Locale.ROOT, "| raw sequential GETs, same client settings, no parsing | %,d ms | %,d |%n", r, rawRequests);
      System.out.printf(Locale.ROOT, "| mlflow connector, maxInFlight 4 (default) | %,d ms | %,d |%n", c, connectorRequests);
      System.out.printf(Locale.ROOT, "| mlflow connector, maxInFlight 1 | %,d ms | %,d |%n", s, connectorRequests);
      System.out.printf(Locale.ROOT, "| mlflow connector, incremental steady state | %,d ms | %,d |%n%n", steadyMs, steadyRequests);
      System.out.printf(Locale.ROOT, "ratio connector/raw: %.2fx (maxInFlight 4), %.2fx (maxInFlight 1); target <= 1.5x%n",
          (double) c / r, (double) s / r);
      System.out.printf(Locale.ROOT, "facts: %,d ModelVersion + %,d TrainingRun%n", versions, measured.size() - versions);
      System.out.printf(Locale.ROOT, "heap: baseline %,d MiB after GC (includes the server's generated responses);"
          + " peak during a full collection %,d MiB, i.e. +%,d MiB; the %,d facts retain %,d MiB after GC%n",
          mib(baseline), mib(peak), mib(peak - baseline), measured.size(), mib(retained));
      System.out.printf(Locale.ROOT, "runs: connector %s ms, maxInFlight 1 %s ms, raw %s ms%n", connectorMs,
          sequentialMs, rawMs);
    } finally {
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  private List<Fact> collect(ConnectorConfig config, List<Fact> previous) throws Exception {
    List<Fact> facts = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    HttpClientFactory http = new HttpClientFactory(config, new Secrets(Map.of()), Progress.NONE, Cancellation.NEVER,
        clock);
    ConnectorTypes.discover().get("mlflow").create(config).collect(new CollectContext(config, http, facts::add,
        Cancellation.NEVER, Progress.NONE, previous, false, clock));
    return facts;
  }

  /** The same URLs, one after the other, through a client built from the same settings; bodies read, not parsed. */
  private void rawFetch(ConnectorConfig config) throws Exception {
    HttpClientFactory factory = new HttpClientFactory(config, new Secrets(Map.of()), Progress.NONE,
        Cancellation.NEVER, Clock.systemUTC());
    long bytes = 0;
    try (CloseableHttpClient client = factory.buildClient()) {
      for (String url : urls) {
        HttpGet get = new HttpGet(config.baseUrl() + url);
        get.setHeader("Accept", "application/json");
        bytes += client.execute(get, response -> EntityUtils.toByteArray(response.getEntity()).length);
      }
    }
    if (bytes == 0) {
      throw new IllegalStateException("raw fetch read nothing");
    }
  }

  private static ConnectorConfig config(URI base, int maxInFlight) {
    HttpSettings d = HttpSettings.DEFAULTS;
    HttpSettings http = new HttpSettings(d.connectTimeout(), d.requestTimeout(), d.runTimeout(), d.maxRetries(),
        maxInFlight, d.maxPages(), null, null);
    return new ConnectorConfig("bench-mlflow", "mlflow", base, AuthConfig.NONE, "0 0 * * * ?", Duration.ofHours(1),
        Duration.ofDays(1), true, http, Map.of(), Path.of("connectors/bench-mlflow.yaml"));
  }

  // ---- the fake registry ----------------------------------------------------------------------

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String path = exchange.getRequestURI().getPath();
      byte[] body = switch (path) {
        case API + "/registered-models/search" -> modelPages.get(query.getOrDefault("page_token", ""));
        case API + "/model-versions/search" -> versionPages.get(query.getOrDefault("page_token", ""));
        case API + "/runs/get" -> runs.get(query.get("run_id"));
        default -> null;
      };
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (body == null) {
        byte[] error = "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, error.length);
        exchange.getResponseBody().write(error);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  /** MLflow-shaped responses with realistic sizes: tags, aliases, card headings, metrics, params, datasets. */
  private void generate(int modelCount, int perModel) {
    Random random = new Random(42);
    long t0 = 1_704_067_200_000L;
    List<ObjectNode> models = new ArrayList<>();
    List<ObjectNode> versions = new ArrayList<>();
    for (int m = 0; m < modelCount; m++) {
      String name = String.format(Locale.ROOT, "model-%04d", m);
      ObjectNode model = JSON.createObjectNode();
      model.put("name", name);
      model.put("creation_timestamp", t0 + m * 60_000L);
      model.put("last_updated_timestamp", t0 + m * 60_000L + 86_400_000L);
      model.put("description", "Model " + m + ".\n\n## Intended use\nScoring for team " + (m % 17)
          + ".\n\n## Limitations\nNot validated outside region " + (m % 5) + ".\n");
      tags(model.putArray("tags"), "owner", "team-" + (m % 17) + "@example.com", "aims.system", "system-" + (m % 40));
      ObjectNode alias = model.putArray("aliases").addObject();
      alias.put("alias", "champion");
      alias.put("version", Integer.toString(perModel));
      models.add(model);
      for (int v = 1; v <= perModel; v++) {
        String runId = String.format(Locale.ROOT, "%032x", (long) m * 1000 + v);
        ObjectNode version = JSON.createObjectNode();
        version.put("name", name);
        version.put("version", Integer.toString(v));
        version.put("creation_timestamp", t0 + m * 60_000L + v * 3_600_000L);
        version.put("last_updated_timestamp", t0 + m * 60_000L + v * 3_600_000L + 1000);
        version.put("user_id", "user" + random.nextInt(50) + "@example.com");
        version.put("current_stage", v == perModel ? "Production" : v == perModel - 1 ? "Staging" : "Archived");
        version.put("description", "Version " + v + " of " + name);
        version.put("source", "mlflow-artifacts:/" + m + "/" + runId + "/artifacts/model");
        version.put("run_id", runId);
        version.put("status", "READY");
        tags(version.putArray("tags"), "approval_status", v == perModel ? "APPROVED" : "PENDING", "approved_by",
            "board-" + (m % 3));
        if (v == perModel) {
          version.putArray("aliases").add("champion");
        }
        versions.add(version);
        runs.put(runId, bytes(run(runId, m, v, random)));
      }
    }
    page(models, "registered_models", modelPages);
    page(versions, "model_versions", versionPages);
    // the URL sequence the connector requests: listings in order, then every run
    String q = "?max_results=" + PAGE + "&order_by=name%20ASC";
    for (int i = 0; i < modelPages.size(); i++) {
      urls.add(API + "/registered-models/search" + q + (i == 0 ? "" : "&page_token=" + encode(token(i * PAGE))));
    }
    for (int i = 0; i < versionPages.size(); i++) {
      urls.add(API + "/model-versions/search" + q + (i == 0 ? "" : "&page_token=" + encode(token(i * PAGE))));
    }
    runs.keySet().stream().sorted().forEach(id -> urls.add(API + "/runs/get?run_id=" + id));
  }

  private static ObjectNode run(String runId, int m, int v, Random random) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode run = root.putObject("run");
    ObjectNode info = run.putObject("info");
    info.put("run_id", runId);
    info.put("run_uuid", runId);
    info.put("run_name", "train-" + m + "-" + v);
    info.put("experiment_id", Integer.toString(m));
    info.put("user_id", "user" + random.nextInt(50));
    info.put("status", "FINISHED");
    info.put("start_time", 1_718_010_000_000L + v * 1000L);
    info.put("end_time", 1_718_012_000_000L + v * 1000L);
    info.put("artifact_uri", "s3://mlflow/" + m + "/" + runId + "/artifacts");
    info.put("lifecycle_stage", "active");
    ObjectNode data = run.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    for (String key : List.of("val_auc", "val_f1", "val_log_loss")) {
      ObjectNode metric = metrics.addObject();
      metric.put("key", key);
      metric.put("value", random.nextDouble());
      metric.put("timestamp", 1_718_011_999_000L);
      metric.put("step", 10);
    }
    tags(data.putArray("params"), "max_depth", Integer.toString(3 + random.nextInt(8)), "eta", "0.05",
        "n_estimators", "800", "seed", Integer.toString(v));
    tags(data.putArray("tags"), "mlflow.user", "user" + random.nextInt(50), "mlflow.source.git.commit",
        String.format(Locale.ROOT, "%040x", random.nextLong() & Long.MAX_VALUE), "mlflow.source.git.repoURL",
        "git@github.com:example/model-" + m + ".git", "mlflow.source.type", "JOB", "mlflow.runName", "train-" + m + "-" + v);
    ObjectNode input = run.putObject("inputs").putArray("dataset_inputs").addObject();
    tags(input.putArray("tags"), "mlflow.data.context", "training");
    ObjectNode dataset = input.putObject("dataset");
    dataset.put("name", "dataset_" + (m % 60));
    dataset.put("digest", String.format(Locale.ROOT, "%08x", random.nextInt()));
    dataset.put("source_type", "s3");
    dataset.put("source", "{\"uri\": \"s3://lake/dataset_" + (m % 60) + ".parquet\"}");
    return root;
  }

  private static void tags(ArrayNode array, String... keyValues) {
    for (int i = 0; i < keyValues.length; i += 2) {
      ObjectNode tag = array.addObject();
      tag.put("key", keyValues[i]);
      tag.put("value", keyValues[i + 1]);
    }
  }

  private static void page(List<ObjectNode> items, String field, Map<String, byte[]> pages) {
    for (int offset = 0; offset < items.size(); offset += PAGE) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode page = body.putArray(field);
      items.subList(offset, Math.min(items.size(), offset + PAGE)).forEach(page::add);
      if (offset + PAGE < items.size()) {
        body.put("next_page_token", token(offset + PAGE));
      }
      pages.put(offset == 0 ? "" : token(offset), bytes(body));
    }
  }

  private static String token(int offset) {
    return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] bytes(ObjectNode node) {
    return JSON.writeValueAsBytes(node);
  }

  // ---- measurement helpers --------------------------------------------------------------------

  /** Peak heap use: sampled every 2 ms, and the heap just before each GC (the true high-water marks). */
  private static final class HeapWatch {
    private final long baseline;
    private final AtomicLong peak = new AtomicLong();
    private final Thread sampler;
    private final javax.management.NotificationListener listener;
    private volatile boolean running = true;

    private HeapWatch() {
      baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      peak.set(baseline);
      listener = (notification, handback) -> {
        if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long before = info.getGcInfo().getMemoryUsageBeforeGc().entrySet().stream()
              .filter(e -> isHeap(e.getKey())).map(Map.Entry::getValue).mapToLong(MemoryUsage::getUsed).sum();
          peak.accumulateAndGet(before, Math::max);
        }
      };
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
      sampler = new Thread(() -> {
        while (running) {
          peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    static HeapWatch start() {
      return new HeapWatch();
    }

    long stop() throws Exception {
      running = false;
      sampler.join();
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      }
      return peak.get();
    }

    long baseline() {
      return baseline;
    }

    private static boolean isHeap(String pool) {
      return ManagementFactory.getMemoryPoolMXBeans().stream()
          .anyMatch(p -> p.getName().equals(pool) && p.getType() == java.lang.management.MemoryType.HEAP);
    }
  }

  private static void printMachine() {
    Runtime rt = Runtime.getRuntime();
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
    } catch (IOException e) {
      // not Linux: leave unknown
    }
    System.out.printf(Locale.ROOT, "machine: %d cores (%s), %s %s, Java %s (%s), max heap %,d MiB, GC %s%n",
        rt.availableProcessors(), cpu, System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), mib(rt.maxMemory()),
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
  }

  private static void gc() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }
}
