package io.aimsmonitor.connector.openlineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PushedEvents;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The openlineage source over stored events: facts from events, staleness when events stop, its options. */
class OpenLineageConnectorTest {

  private static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");
  private static final String RUN = "3f1b5f8e-8d2a-4c7e-9b1a-2f6d8e0c4a11";

  private static ConnectorConfig config(Map<String, Object> options) {
    return new ConnectorConfig("lineage", "openlineage", null,
        new ConnectorConfig.AuthConfig("bearer", new ConnectorConfig.SecretRef("OL_KEY", null), null, null, null),
        "0 * * * * ?", java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(1), true,
        RegistryTestSupport.fastHttp(), options, java.nio.file.Path.of("connectors/lineage.yaml"));
  }

  private static PushedEvents stored(Instant lastReceived, String... bodies) {
    return new PushedEvents() {
      @Override
      public List<Event> since(String connectorId, Instant since) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
          out.add(new Event(i + 1, lastReceived, bodies[i]));
        }
        return out;
      }

      @Override
      public Optional<Instant> lastReceived(String connectorId) {
        return Optional.ofNullable(lastReceived);
      }
    };
  }

  private static List<Fact> collect(ConnectorConfig config, PushedEvents pushed) throws Exception {
    List<Fact> facts = new ArrayList<>();
    new OpenLineageConnectorType().create(config).collect(new CollectContext(config, null, facts::add,
        CollectContext.Cancellation.NEVER, CollectContext.Progress.NONE, List.of(), true,
        Clock.fixed(NOW, ZoneOffset.UTC), pushed));
    return facts;
  }

  private static String event(String type, String time, String job, String inputs, String outputs) {
    return "{\"eventType\":\"" + type + "\",\"eventTime\":\"" + time + "\",\"run\":{\"runId\":\"" + RUN + "\"},"
        + "\"job\":{\"namespace\":\"airflow\",\"name\":\"" + job + "\"},\"inputs\":" + inputs + ",\"outputs\":" + outputs
        + ",\"producer\":\"https://example.com\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json\"}";
  }

  @Test
  void theRunTakesTheStateOfItsLatestEventAndOutputsTheirInputsAsUpstream() throws Exception {
    String in = "[{\"namespace\":\"pg://db\",\"name\":\"raw.a\"}]";
    String out = "[{\"namespace\":\"pg://db\",\"name\":\"lake.b\",\"facets\":{\"symlinks\":{\"identifiers\":"
        + "[{\"namespace\":\"hive://meta\",\"name\":\"lake.b\",\"type\":\"TABLE\"}]}}}]";
    List<Fact> facts = collect(config(Map.of()), stored(NOW.minusSeconds(60),
        event("START", "2026-05-04T09:00:00Z", "build_b", in, "[]"),
        event("FAIL", "2026-05-04T09:05:00Z", "build_b", in, out),
        event("OTHER", "2026-05-04T09:06:00Z", "build_b", "[]", "[]")));

    PipelineRun run = facts.stream().filter(PipelineRun.class::isInstance).map(PipelineRun.class::cast).findFirst()
        .orElseThrow();
    assertEquals("failure", run.conclusion(), "OTHER adds metadata without changing the run's state");
    assertEquals(Instant.parse("2026-05-04T09:00:00Z"), run.startedAt());
    assertEquals(Instant.parse("2026-05-04T09:05:00Z"), run.finishedAt());
    Dataset b = facts.stream().filter(Dataset.class::isInstance).map(Dataset.class::cast)
        .filter(d -> d.name().equals("lake.b")).findFirst().orElseThrow();
    assertEquals("pg://db/lake.b", b.qualifiedName());
    assertEquals(List.of("pg://db/raw.a"), b.upstream());
    assertEquals(List.of("hive://meta/lake.b"), b.identifiers());
    assertTrue(b.owners().isEmpty(), "no ownership facet, no owner");
  }

  @Test
  void aJobNamedAsTrainingIsATrainingRunReadingItsInputs() throws Exception {
    String in = "[{\"namespace\":\"pg://db\",\"name\":\"lake.b\",\"facets\":{\"version\":{\"datasetVersion\":\"v42\"}}}]";
    List<Fact> facts = collect(config(Map.of("trainingJobs", List.of("train_*"))), stored(NOW.minusSeconds(60),
        event("COMPLETE", "2026-05-04T09:00:00Z", "train_fraud", in, "[]")));

    TrainingRun run = facts.stream().filter(TrainingRun.class::isInstance).map(TrainingRun.class::cast).findFirst()
        .orElseThrow();
    assertEquals(RUN, run.runId());
    assertEquals(List.of(new TrainingRun.DatasetInput("lake.b", "v42", "pg://db/lake.b", "training")),
        run.inputDatasets());
  }

  @Test
  void silenceLongerThanStaleAfterFailsTheRunAsStale() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(config(Map.of("staleAfter", "6h")),
        stored(NOW.minusSeconds(7 * 3600), event("START", "2026-05-04T02:00:00Z", "x", "[]", "[]"))));

    assertEquals("stale", e.reason());
    assertTrue(e.getMessage().contains("no OpenLineage event since 2026-05-04T03:00:00Z"), e.getMessage());
  }

  @Test
  void aSourceThatNeverReceivedAnEventIsStaleNotEmpty() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> collect(config(Map.of()), stored(null)));

    assertEquals("stale", e.reason());
  }

  @Test
  void optionsAreCheckedTogether() {
    ConnectorConfig bad = new ConnectorConfig("lineage", "openlineage", java.net.URI.create("http://x"),
        ConnectorConfig.AuthConfig.NONE, "0 * * * * ?", java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(1),
        true, RegistryTestSupport.fastHttp(), Map.of("staleAfter", "soon", "maxEventBytes", 10),
        java.nio.file.Path.of("connectors/lineage.yaml"));

    ConfigException e = assertThrows(ConfigException.class, () -> new OpenLineageConnectorType().create(bad));

    String all = String.join("\n", e.problems());
    assertTrue(all.contains("baseUrl"), all);
    assertTrue(all.contains("auth.type"), all);
    assertTrue(all.contains("options.staleAfter"), all);
    assertTrue(all.contains("options.maxEventBytes"), all);
  }

  @Test
  void theBundledSpecNamesWhatIsWrong() {
    OpenLineageSpec spec = new OpenLineageSpec();
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();

    assertTrue(spec.problems(json.readTree(event("START", "2026-05-04T09:00:00Z", "j", "[]", "[]"))).isEmpty());
    List<String> problems = spec.problems(json.readTree(event("START", "2026-05-04T09:00:00Z", "j", "[]", "[]")
        .replace("\"namespace\":\"airflow\",", "").replace(RUN, "not-a-uuid")));
    assertTrue(problems.stream().anyMatch(p -> p.contains("namespace")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("not a UUID")), problems.toString());
  }
}
