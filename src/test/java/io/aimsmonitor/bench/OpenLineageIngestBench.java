package io.aimsmonitor.bench;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.connector.openlineage.OpenLineageSpec;
import io.aimsmonitor.lineage.LineageIngest;
import io.aimsmonitor.store.LineageEventRepository;
import io.aimsmonitor.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Benchmark: OpenLineage events accepted per second by one instance. Every event takes the
 * endpoint's whole path except the servlet: API key check, size limit, JSON parse, validation
 * against the bundled OpenLineage spec, and the durable insert into an H2 file database (the
 * default store), committed before the next. Events are realistic run events (a job with SQL and
 * source location facets, one input, one output with a schema facet), ~2 KB each. Run with
 * {@code bench/run OpenLineageIngestBench [events] [threads]}; see docs/benchmarks.md.
 */
public final class OpenLineageIngestBench {

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path dir = Files.createTempDirectory("ol-bench");
    javax.sql.DataSource ds = TestDatabases.h2File(dir);
    // the service keeps pooled connections open; without one open here H2 would close and reopen
    // the database file around every insert, and we would measure that
    java.sql.Connection keepOpen = ds.getConnection();
    LineageEventRepository repo = new LineageEventRepository(JdbcClient.create(ds));
    ConnectorConfig source = new ConnectorConfig("lineage", "openlineage", null,
        new ConnectorConfig.AuthConfig("bearer", new ConnectorConfig.SecretRef("OL_KEY", null), null, null, null),
        "0 * * * * ?", Duration.ofMinutes(1), Duration.ofDays(1), true, ConnectorConfig.HttpSettings.DEFAULTS,
        Map.of(), dir.resolve("lineage.yaml"));
    ConnectorInstances instances = new ConnectorInstances(dir, List.of(source), ConnectorTypes.discover());
    try (LineageIngest ingest = new LineageIngest(instances, new Secrets(Map.of("OL_KEY", "bench-key")),
        new OpenLineageSpec(), repo, Clock.systemUTC(), id -> { })) {
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        bodies.add(event(i).getBytes(StandardCharsets.UTF_8));
      }
      System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, heap %d MiB; event size %d bytes%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
          System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, bodies.get(0).length);
      run(ingest, bodies.subList(0, Math.min(2_000, events)), threads); // warm-up
      for (int t : new int[] {1, threads}) {
        long start = System.nanoTime();
        run(ingest, bodies, t);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%d threads: %,d events in %.2f s = %,.0f events/s%n", t, bodies.size(),
            seconds, bodies.size() / seconds);
      }
      System.out.printf(Locale.ROOT, "stored: %,d events%n", repo.count("lineage"));
    } finally {
      keepOpen.close();
    }
  }

  private static void run(LineageIngest ingest, List<byte[]> bodies, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    int per = (bodies.size() + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      List<byte[]> slice = bodies.subList(Math.min(bodies.size(), t * per), Math.min(bodies.size(), (t + 1) * per));
      done.add(pool.submit(() -> {
        for (byte[] body : slice) {
          LineageIngest.Outcome o = ingest.accept("Bearer bench-key", new ByteArrayInputStream(body));
          if (!o.accepted()) {
            throw new IllegalStateException(o.status() + " " + o.detail());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static String event(int i) {
    return """
        {"eventType":"%s","eventTime":"%s","run":{"runId":"%s","facets":{}},
         "job":{"namespace":"airflow","name":"dag_%d.task","facets":{
           "sql":{"_producer":"https://example.com/airflow","_schemaURL":"https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json","query":"INSERT INTO lake.table_%d SELECT * FROM raw.events_%d WHERE day = current_date"},
           "sourceCodeLocation":{"_producer":"https://example.com/airflow","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json","type":"git","url":"https://git.example.com/acme/dags/blob/0123456789abcdef0123456789abcdef01234567/dag_%d.py","version":"0123456789abcdef0123456789abcdef01234567"}}},
         "inputs":[{"namespace":"postgres://db:5432","name":"raw.events_%d"}],
         "outputs":[{"namespace":"postgres://db:5432","name":"lake.table_%d","facets":{"schema":{"_producer":"https://example.com/airflow","_schemaURL":"https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json","fields":[{"name":"id","type":"BIGINT"},{"name":"amount","type":"DECIMAL(12,2)"},{"name":"created_at","type":"TIMESTAMP"}]}}}],
         "producer":"https://github.com/apache/airflow/tree/providers-openlineage/2.3.0","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}
        """.formatted(i % 2 == 0 ? "START" : "COMPLETE", Instant.now(), UUID.nameUUIDFromBytes(("r" + i / 2).getBytes()),
        i % 500, i % 500, i % 500, i % 500, i % 500, i % 500);
  }
}
