package io.aimsmonitor.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark: the datahub connector collecting 50,000 datasets from a local DataHub look-alike
 * (JDK HttpServer on loopback answering the scroll query with pre-generated GraphQL results of
 * the documented shape: owners, tags, glossary terms, domain, upstream lineage, two assertions
 * each). Reports wall time (median of three after a warm-up), requests, and peak heap sampled
 * every 2 ms during a collection. Run with {@code bench/run DataHubCollectBench [datasets] [pageSize]}.
 */
public final class DataHubCollectBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int datasets = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int pageSize = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    List<byte[]> pages = new ArrayList<>();
    for (int offset = 0; offset < datasets; offset += pageSize) {
      pages.add(page(offset, Math.min(datasets, offset + pageSize), datasets, pageSize));
    }
    AtomicLong requests = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    java.util.concurrent.ExecutorService serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    server.createContext("/api/graphql", exchange -> serve(exchange, pages, pageSize, requests));
    server.start();
    Path dir = Files.createTempDirectory("dh-bench");
    Files.writeString(dir.resolve("dh.yaml"), "id: dh\ntype: datahub\nbaseUrl: http://127.0.0.1:"
        + server.getAddress().getPort() + "\noptions:\n  pageSize: " + pageSize + "\n");
    ConnectorConfig config = new ConnectorConfigLoader(ConnectorTypes.discover()).loadFile(dir.resolve("dh.yaml"));
    long json = pages.stream().mapToLong(p -> p.length).sum();
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, max heap %d MiB; %,d datasets in %d pages, %.1f MB of JSON%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, datasets, pages.size(), json / 1e6);
    try {
      collect(config); // warm-up
      List<Long> ms = new ArrayList<>();
      long peak = 0;
      int facts = 0;
      for (int i = 0; i < 3; i++) {
        System.gc();
        long base = used();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong max = new AtomicLong(base);
        Thread sampler = new Thread(() -> {
          while (running.get()) {
            max.accumulateAndGet(used(), Math::max);
            try {
              Thread.sleep(2);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.start();
        long before = requests.get();
        long start = System.nanoTime();
        facts = collect(config).size();
        ms.add((System.nanoTime() - start) / 1_000_000);
        running.set(false);
        sampler.join();
        peak = Math.max(peak, max.get());
        System.out.printf(Locale.ROOT, "round %d: %,d facts, %,d ms, %d requests, heap before %d MiB, peak %d MiB%n",
            i + 1, facts, ms.get(i), requests.get() - before, base >> 20, max.get() >> 20);
      }
      Collections.sort(ms);
      System.out.printf(Locale.ROOT, "median %,d ms for %,d datasets (%,.0f datasets/s); peak heap %d MiB%n",
          ms.get(1), facts, facts * 1000.0 / ms.get(1), peak >> 20);
    } finally {
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  private static long used() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static List<Fact> collect(ConnectorConfig config) throws Exception {
    List<Fact> facts = new ArrayList<>();
    CollectContext context = new CollectContext(config, new HttpClientFactory(config, new Secrets(Map.of()),
        CollectContext.Progress.NONE, CollectContext.Cancellation.NEVER, Clock.systemUTC()), facts::add,
        CollectContext.Cancellation.NEVER, CollectContext.Progress.NONE, List.of(), true, Clock.systemUTC());
    ConnectorTypes.discover().get("datahub").create(config).collect(context);
    return facts;
  }

  private static void serve(HttpExchange exchange, List<byte[]> pages, int pageSize, AtomicLong requests)
      throws java.io.IOException {
    try (exchange) {
      requests.incrementAndGet();
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      JsonNode scroll = body.path("variables").get("scrollId");
      int offset = scroll == null || scroll.isNull() ? 0
          : Integer.parseInt(new String(Base64.getDecoder().decode(scroll.asString()), StandardCharsets.UTF_8));
      byte[] page = pages.get(offset / pageSize);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
    }
  }

  private static byte[] page(int from, int to, int total, int pageSize) {
    StringBuilder s = new StringBuilder("{\"data\":{\"scrollAcrossEntities\":{\"nextScrollId\":");
    s.append(to < total ? "\"" + Base64.getEncoder().encodeToString(String.valueOf(to).getBytes(StandardCharsets.UTF_8))
        + "\"" : "null");
    s.append(",\"count\":").append(to - from).append(",\"total\":").append(total).append(",\"searchResults\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        s.append(',');
      }
      String name = "lake.schema_" + (i % 100) + ".table_" + i;
      s.append("""
          {"entity":{"urn":"urn:li:dataset:(urn:li:dataPlatform:postgres,%1$s,PROD)","type":"DATASET","name":"%1$s",
          "platform":{"name":"postgres"},"properties":{"name":"table_%2$d","qualifiedName":null,
          "description":"Table %2$d of the lake","customProperties":[{"key":"team","value":"data-%3$d"}],"lastModified":{"time":1718012345678}},
          "editableProperties":null,"ownership":{"owners":[{"owner":{"urn":"urn:li:corpGroup:data-%3$d","name":"data-%3$d"},"type":"DATA_STEWARD","ownershipType":null}]},
          "tags":{"tags":[{"tag":{"urn":"urn:li:tag:pii","name":"pii","properties":{"name":"pii"}}},{"tag":{"urn":"urn:li:tag:gold","name":"gold","properties":null}}]},
          "glossaryTerms":{"terms":[{"term":{"urn":"urn:li:glossaryTerm:Classification.Confidential","name":"Confidential","properties":null}}]},
          "domain":{"domain":{"urn":"urn:li:domain:lake","properties":{"name":"Lake"}}},
          "upstream":{"total":1,"relationships":[{"type":"DownstreamOf","entity":{"urn":"urn:li:dataset:(urn:li:dataPlatform:postgres,raw.t_%2$d,PROD)","name":"raw.t_%2$d","platform":{"name":"postgres"}}}]},
          "assertions":{"total":2,"assertions":[
           {"urn":"urn:li:assertion:%2$d-a","info":{"type":"DATASET","description":"not null"},"runEvents":{"total":1,"failed":0,"succeeded":1,"runEvents":[{"timestampMillis":1718012345678,"status":"COMPLETE","result":{"type":"SUCCESS"}}]}},
           {"urn":"urn:li:assertion:%2$d-b","info":{"type":"FRESHNESS","description":"fresh"},"runEvents":{"total":1,"failed":1,"succeeded":0,"runEvents":[{"timestampMillis":1718012345678,"status":"COMPLETE","result":{"type":"FAILURE"}}]}}]}}}
          """.formatted(name, i, i % 50));
    }
    return s.append("]}},\"extensions\":{}}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
