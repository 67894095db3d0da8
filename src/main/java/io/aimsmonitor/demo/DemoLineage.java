package io.aimsmonitor.demo;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.openlineage.OpenLineageConnectorType;
import io.aimsmonitor.lineage.LineageIngest;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.Transport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lineage the demo company's Airflow sends: a few OpenLineage run events (START and COMPLETE
 * of each job that builds the lending and support datasets), emitted at start through the official
 * OpenLineage Java client to the {@code demo-lineage} source. They pass the same checks as any
 * producer's events (API key, size, spec) on their way into the event store; the client's transport
 * hands them to the endpoint's logic in-process, so that {@code scan}, which has no web server,
 * shows the same lineage as {@code serve}. Run ids are derived from the job names, so sending them
 * again at every start changes no fact.
 *
 * <p>The demo source's API key lives in the file its {@code auth.tokenFile} names; when that file
 * does not exist, a random key is written to it (owner-only), so the repository holds no key.
 */
public final class DemoLineage {

  /** The id of the demo's openlineage source. */
  public static final String SOURCE_ID = "demo-lineage";
  /** Where the demo's tables live, as OpenLineage names it; the demo DataHub maps platform postgres to it. */
  public static final String NAMESPACE = "postgres://lake.acme.example:5432";
  static final String JOB_NAMESPACE = "acme-airflow";
  private static final URI PRODUCER = URI.create("https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/java");
  private static final String REPO = "https://git.example.com/acme/data-pipelines";
  private static final String COMMIT = "4f2c9e1a7b3d5f60812a9c4e6b1d3f5a7c9e0b2d";
  private static final Logger log = LoggerFactory.getLogger(DemoLineage.class);

  private DemoLineage() {}

  /** How many demo events were accepted at start (a bean, so that collection waits for them). */
  public record Sent(int events) {}

  /** The demo source among the enabled instances, if the demo is configured. */
  public static Optional<ConnectorConfig> demoSource(List<ConnectorConfig> enabled) {
    return enabled.stream().filter(c -> SOURCE_ID.equals(c.id()) && OpenLineageConnectorType.NAME.equals(c.type())
        && c.auth().token() != null && c.auth().token().file() != null).findFirst();
  }

  /** Sends the demo events to {@code ingest} as the demo source; returns how many were accepted. */
  public static int sendInProcess(ConnectorConfig demo, LineageIngest ingest, Instant now) {
    String key = ensureKey(demo.auth().token().file());
    int[] accepted = {0};
    Transport inProcess = new Transport() {
      @Override
      public void emit(OpenLineage.RunEvent event) {
        send(OpenLineageClientUtils.toJson(event));
      }

      @Override
      public void emit(OpenLineage.DatasetEvent event) {
        send(OpenLineageClientUtils.toJson(event));
      }

      @Override
      public void emit(OpenLineage.JobEvent event) {
        send(OpenLineageClientUtils.toJson(event));
      }

      private void send(String json) {
        try {
          LineageIngest.Outcome outcome = ingest.accept("Bearer " + key,
              new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
          if (outcome.accepted()) {
            accepted[0]++;
          } else {
            log.warn("demo OpenLineage event refused ({}): {}", outcome.status(), outcome.detail());
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    try (OpenLineageClient client = new OpenLineageClient(inProcess)) {
      events(now).forEach(client::emit);
    } catch (Exception e) {
      log.warn("demo OpenLineage events not sent: {}", e.getMessage());
    }
    log.info("demo lineage: {} OpenLineage events sent to source '{}'", accepted[0], demo.id());
    return accepted[0];
  }

  /** The key in {@code file}, written there first (a random one) if the file does not exist. */
  static String ensureKey(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String key = HexFormat.of().formatHex(randomBytes());
        try {
          Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
          } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's permissions apply
          }
        } catch (FileAlreadyExistsException e) {
          // another process wrote it first: use theirs
        }
      }
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("demo OpenLineage key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** START and COMPLETE of each demo job, ending shortly before {@code now}, oldest first. */
  public static List<OpenLineage.RunEvent> events(Instant now) {
    OpenLineage ol = new OpenLineage(PRODUCER);
    List<OpenLineage.RunEvent> events = new ArrayList<>();
    Instant t = now.minus(Duration.ofHours(3));
    job(ol, events, t, "lending.build_applications",
        "INSERT INTO lending.applications_2025 SELECT a.*, b.score FROM raw.loan_applications a"
            + " JOIN raw.bureau_reports b ON b.applicant_id = a.applicant_id",
        List.of(input(ol, "raw.loan_applications", null), input(ol, "raw.bureau_reports", null)),
        output(ol, "lending.applications_2025", "Retail loan applications with bureau attributes."));
    t = t.plus(Duration.ofMinutes(20));
    job(ol, events, t, "lending.build_holdout",
        "INSERT INTO lending.applications_holdout_2026q1 SELECT * FROM lending.applications_2025"
            + " WHERE submitted_at >= DATE '2026-01-01'",
        List.of(input(ol, "lending.applications_2025", null)), output(ol, "lending.applications_holdout_2026q1", null));
    t = t.plus(Duration.ofMinutes(20));
    job(ol, events, t, "lending.check_holdout", null,
        List.of(input(ol, "lending.applications_holdout_2026q1", ol.newInputDatasetInputFacetsBuilder()
            .dataQualityAssertions(ol.newDataQualityAssertionsDatasetFacetBuilder().assertions(List.of(
                ol.newDataQualityAssertionsDatasetFacetAssertionsBuilder().assertion("expect_row_count_at_least_10000")
                    .success(false).build(),
                ol.newDataQualityAssertionsDatasetFacetAssertionsBuilder().assertion("expect_not_null")
                    .column("applicant_id").success(true).build())).build())
            .build())),
        null);
    t = t.plus(Duration.ofMinutes(20));
    job(ol, events, t, "support.build_tickets",
        "INSERT INTO support.tickets_2026 SELECT * FROM raw.zendesk_tickets WHERE status = 'solved'",
        List.of(input(ol, "raw.zendesk_tickets", null)), output(ol, "support.tickets_2026", null));
    return events;
  }

  private static void job(OpenLineage ol, List<OpenLineage.RunEvent> events, Instant start, String name, String sql,
      List<OpenLineage.InputDataset> inputs, OpenLineage.OutputDataset output) {
    UUID runId = UUID.nameUUIDFromBytes(("acme-demo/" + name).getBytes(StandardCharsets.UTF_8));
    OpenLineage.JobFacetsBuilder facets = ol.newJobFacetsBuilder()
        .jobType(ol.newJobTypeJobFacetBuilder().processingType("BATCH").integration("AIRFLOW").jobType("TASK").build())
        .sourceCodeLocation(ol.newSourceCodeLocationJobFacetBuilder().type("git").url(URI.create(REPO + "/blob/"
            + COMMIT + "/dags/" + name.replace('.', '/') + ".py")).repoUrl(REPO).path("dags/" + name.replace('.', '/')
            + ".py").version(COMMIT).branch("main").build());
    if (sql != null) {
      facets.sql(ol.newSQLJobFacetBuilder().query(sql).build());
    }
    OpenLineage.Job job = ol.newJobBuilder().namespace(JOB_NAMESPACE).name(name).facets(facets.build()).build();
    OpenLineage.Run run = ol.newRunBuilder().runId(runId).build();
    List<OpenLineage.OutputDataset> outputs = output == null ? List.of() : List.of(output);
    events.add(ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START)
        .eventTime(ZonedDateTime.ofInstant(start, ZoneOffset.UTC)).run(run).job(job).inputs(inputs).outputs(outputs)
        .build());
    events.add(ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.COMPLETE)
        .eventTime(ZonedDateTime.ofInstant(start.plus(Duration.ofMinutes(12)), ZoneOffset.UTC)).run(run).job(job)
        .inputs(inputs).outputs(outputs).build());
  }

  private static OpenLineage.InputDataset input(OpenLineage ol, String name,
      OpenLineage.InputDatasetInputFacets inputFacets) {
    OpenLineage.InputDatasetBuilder b = ol.newInputDatasetBuilder().namespace(NAMESPACE).name(name);
    if (inputFacets != null) {
      b.inputFacets(inputFacets);
    }
    return b.build();
  }

  private static OpenLineage.OutputDataset output(OpenLineage ol, String name, String documentation) {
    OpenLineage.DatasetFacetsBuilder facets = ol.newDatasetFacetsBuilder()
        .schema(ol.newSchemaDatasetFacetBuilder().fields(List.of(
            ol.newSchemaDatasetFacetFieldsBuilder().name("applicant_id").type("BIGINT").build(),
            ol.newSchemaDatasetFacetFieldsBuilder().name("submitted_at").type("TIMESTAMP").build())).build());
    if (documentation != null) {
      facets.documentation(ol.newDocumentationDatasetFacetBuilder().description(documentation).build());
    }
    return ol.newOutputDatasetBuilder().namespace(NAMESPACE).name(name).facets(facets.build()).build();
  }
}
