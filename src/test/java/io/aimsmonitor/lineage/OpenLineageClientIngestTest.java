package io.aimsmonitor.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.connector.PushedEvents;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.store.LineageEventRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import io.aimsmonitor.testing.TestAccess;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official OpenLineage Java client, configured as a producer would configure it (HTTP
 * transport, API key), emits START and COMPLETE to the running service; the events are stored,
 * the source is collected, and its runs and datasets appear as facts with their facets' evidence.
 * Malformed, oversized and unauthenticated events are refused and store nothing.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", "aims.scheduler.collect-on-start=false",
        TestAccess.ADMIN_PASSWORD_PROPERTY})
class OpenLineageClientIngestTest {

  private static final String KEY = "ol-test-key-" + UUID.randomUUID();
  private static final String NS = "postgres://db.test:5432";

  @TempDir
  static Path dir;

  @DynamicPropertySource
  static void workspace(DynamicPropertyRegistry registry) throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors"));
    Files.writeString(dir.resolve("ol.key"), KEY + "\n");
    Files.writeString(connectors.resolve("lineage.yaml"), """
        id: lineage
        type: openlineage
        auth: {type: bearer, tokenFile: ../ol.key}
        schedule: "0 0 * * * ?"
        options:
          staleAfter: 6h
          maxEventBytes: 65536
          trainingJobs: ["train_*"]
        """);
    registry.add("aims.data-dir", () -> dir.resolve("data").toString());
    registry.add("aims.connectors-dir", connectors::toString);
  }

  @LocalServerPort
  int port;

  @Autowired
  SnapshotRepository snapshots;

  @Autowired
  LineageEventRepository events;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  private OpenLineageClient client(String key) {
    HttpConfig config = new HttpConfig();
    config.setUrl(URI.create("http://127.0.0.1:" + port));
    ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
    auth.setApiKey(key);
    config.setAuth(auth);
    return new OpenLineageClient(new HttpTransport(config));
  }

  private HttpResponse<String> post(String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/lineage"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startAndCompleteFromTheOfficialClientBecomeFacts() throws Exception {
    OpenLineage ol = new OpenLineage(URI.create("https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/java"));
    UUID trainRun = UUID.randomUUID();
    UUID buildRun = UUID.randomUUID();
    ZonedDateTime t0 = ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(5);
    OpenLineage.Job build = ol.newJobBuilder().namespace("airflow").name("build_features").facets(ol.newJobFacetsBuilder()
        .sql(ol.newSQLJobFacetBuilder().query("INSERT INTO features SELECT * FROM raw_events").build())
        .sourceCodeLocation(ol.newSourceCodeLocationJobFacetBuilder().type("git").url(URI.create(
            "https://git.example.com/acme/pipelines/blob/0123456789abcdef0123456789abcdef01234567/dags/f.py"))
            .version("0123456789abcdef0123456789abcdef01234567").branch("main").build()).build()).build();
    OpenLineage.InputDataset raw = ol.newInputDatasetBuilder().namespace(NS).name("lake.raw_events").build();
    OpenLineage.OutputDataset features = ol.newOutputDatasetBuilder().namespace(NS).name("lake.features")
        .facets(ol.newDatasetFacetsBuilder()
            .schema(ol.newSchemaDatasetFacetBuilder().fields(List.of(
                ol.newSchemaDatasetFacetFieldsBuilder().name("id").type("BIGINT").build())).build())
            .ownership(ol.newOwnershipDatasetFacetBuilder().owners(List.of(
                ol.newOwnershipDatasetFacetOwnersBuilder().name("team:feature-store").type("MAINTAINER").build())).build())
            .documentation(ol.newDocumentationDatasetFacetBuilder().description("Daily features").build())
            .build()).build();
    OpenLineage.InputDataset checkedFeatures = ol.newInputDatasetBuilder().namespace(NS).name("lake.features")
        .inputFacets(ol.newInputDatasetInputFacetsBuilder().dataQualityAssertions(
            ol.newDataQualityAssertionsDatasetFacetBuilder().assertions(List.of(
                ol.newDataQualityAssertionsDatasetFacetAssertionsBuilder().assertion("not_null").column("id")
                    .success(false).build())).build()).build()).build();
    OpenLineage.Job train = ol.newJobBuilder().namespace("ml").name("train_fraud").build();

    try (OpenLineageClient client = client(KEY)) {
      client.emit(ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START).eventTime(t0)
          .run(ol.newRunBuilder().runId(buildRun).build()).job(build).inputs(List.of(raw)).outputs(List.of()).build());
      client.emit(ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.COMPLETE).eventTime(t0.plusMinutes(1))
          .run(ol.newRunBuilder().runId(buildRun).build()).job(build).inputs(List.of(raw)).outputs(List.of(features))
          .build());
      client.emit(ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START).eventTime(t0.plusMinutes(2))
          .run(ol.newRunBuilder().runId(trainRun).build()).job(train).inputs(List.of(checkedFeatures))
          .outputs(List.of()).build());
    }

    FactSnapshot snapshot = awaitSnapshot(3);
    PipelineRun pipeline = only(snapshot.facts(), PipelineRun.class);
    assertThat(pipeline.runId()).isEqualTo(buildRun.toString());
    assertThat(pipeline.workflow()).isEqualTo("build_features");
    assertThat(pipeline.conclusion()).isEqualTo("success");
    assertThat(pipeline.commitSha()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    TrainingRun training = only(snapshot.facts(), TrainingRun.class);
    assertThat(training.runId()).isEqualTo(trainRun.toString());
    assertThat(training.status()).isEqualTo("START");
    assertThat(training.inputDatasets()).extracting(TrainingRun.DatasetInput::uri).containsExactly(NS + "/lake.features");
    Dataset out = snapshot.facts().stream().filter(Dataset.class::isInstance).map(Dataset.class::cast)
        .filter(d -> d.qualifiedName().equals(NS + "/lake.features")).findFirst().orElseThrow();
    assertThat(out.owners()).containsExactly("team:feature-store");
    assertThat(out.description()).isEqualTo("Daily features");
    assertThat(out.upstream()).containsExactly(NS + "/lake.raw_events");
    assertThat(out.properties()).containsEntry("schema.fields", "id:BIGINT")
        .containsEntry("sql", "INSERT INTO features SELECT * FROM raw_events");
    assertThat(out.qualityChecks()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("not_null(id)");
      assertThat(c.passed()).isFalse();
    });

    // the source shows in /api/connectors with its last event, fresh
    JsonNode lineage = connector("lineage");
    assertThat(lineage.get("lastEventAt").isNull()).isFalse();
    assertThat(lineage.get("fresh").asBoolean()).isTrue();

    // what the client sent follows the OpenLineage spec in ../shared (the tests' reference copy)
    Optional<Schema> spec = sharedSpec();
    if (spec.isPresent()) {
      for (PushedEvents.Event e : events.since("lineage", Instant.EPOCH)) {
        assertThat(spec.get().validate(json.readTree(e.body()))).as(e.body()).isEmpty();
      }
    }
  }

  @Test
  void unauthenticatedEventsAre401AndStoreNothing() throws Exception {
    long before = events.count("lineage");
    String valid = validEvent();

    HttpResponse<String> none = post(null, valid);
    HttpResponse<String> wrong = post("Bearer not-the-key", valid);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(json.readTree(none.body()).get("detail").asString()).contains("Authorization: Bearer");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(KEY);
    assertThat(events.count("lineage")).isEqualTo(before);
  }

  @Test
  void malformedEventsAre400NamingTheFault() throws Exception {
    long before = events.count("lineage");

    HttpResponse<String> notJson = post("Bearer " + KEY, "{\"eventType\": \"START\", ");
    HttpResponse<String> noRunId = post("Bearer " + KEY, validEvent().replace("\"runId\"", "\"runID\""));
    HttpResponse<String> badType = post("Bearer " + KEY, validEvent().replace("\"START\"", "\"STARTED\""));
    HttpResponse<String> badTime = post("Bearer " + KEY, validEvent().replaceAll("\"eventTime\":\"[^\"]+\"",
        "\"eventTime\":\"yesterday\""));
    HttpResponse<String> notAnEvent = post("Bearer " + KEY, "{\"hello\": \"world\"}");

    for (HttpResponse<String> r : List.of(notJson, noRunId, badType, badTime, notAnEvent)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
    }
    assertThat(detail(notJson)).contains("not JSON");
    assertThat(detail(noRunId)).contains("RunEvent").contains("runId");
    assertThat(detail(badType)).contains("eventType");
    assertThat(detail(badTime)).contains("eventTime").contains("yesterday");
    assertThat(detail(notAnEvent)).contains("none of run");
    assertThat(events.count("lineage")).isEqualTo(before);
  }

  @Test
  void oversizedEventsAre413() throws Exception {
    long before = events.count("lineage");
    String big = validEvent().replace("\"job\":{", "\"job\":{\"facets\":{\"documentation\":{\"_producer\":\"x\","
        + "\"_schemaURL\":\"https://openlineage.io/spec/facets/1-0-1/DocumentationJobFacet.json\",\"description\":\""
        + "x".repeat(70_000) + "\"}},");

    HttpResponse<String> r = post("Bearer " + KEY, big);

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(detail(r)).contains("65536").contains("maxEventBytes");
    assertThat(events.count("lineage")).isEqualTo(before);
  }

  private String detail(HttpResponse<String> r) {
    return json.readTree(r.body()).get("detail").asString();
  }

  private static String validEvent() {
    return "{\"eventType\":\"START\",\"eventTime\":\"" + Instant.now() + "\",\"run\":{\"runId\":\"" + UUID.randomUUID()
        + "\"},\"job\":{\"namespace\":\"airflow\",\"name\":\"probe\"},\"inputs\":[],\"outputs\":[],"
        + "\"producer\":\"https://example.com/probe\",\"schemaURL\":"
        + "\"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\"}";
  }

  private JsonNode connector(String id) throws Exception {
    JsonNode all = json.readTree(http.send(TestAccess.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/connectors"))).build(), HttpResponse.BodyHandlers.ofString()).body());
    for (JsonNode c : all) {
      if (c.get("id").asString().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no connector " + id + " in " + all);
  }

  /** Waits (bounded) for the collection that accepted events trigger; no timing is asserted. */
  private FactSnapshot awaitSnapshot(int runs) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      Optional<FactSnapshot> s = snapshots.latestGood("lineage");
      if (s.isPresent() && s.get().facts().stream().filter(f -> !(f instanceof Dataset)).count() >= runs - 1
          && s.get().facts().stream().anyMatch(TrainingRun.class::isInstance)) {
        return s.get();
      }
      Thread.sleep(200);
    }
    return fail("the lineage source was not collected after the events: " + snapshots.history("lineage", 5));
  }

  private static <T extends Fact> T only(List<Fact> facts, Class<T> type) {
    List<T> found = facts.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /** The OpenLineage spec from ../shared/reference/schemas, or empty (with a message) outside CI when absent. */
  static Optional<Schema> sharedSpec() throws Exception {
    Path file = Path.of("..", "shared", "reference", "schemas", "openlineage", "OpenLineage.json");
    if (!Files.exists(file)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("../shared/reference/schemas/openlineage/OpenLineage.json is missing");
      }
      System.err.println("SKIPPED: validation against ../shared/reference/schemas/openlineage: folder absent");
      return Optional.empty();
    }
    String id = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
    String text = Files.readString(file);
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        b -> b.schemas(Map.of(id, text)));
    return Optional.of(registry.getSchema(SchemaLocation.of(id)));
  }
}
