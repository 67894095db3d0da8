package io.aimsmonitor.connector.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Runs the real mlflow connector against a WireMock server replaying the recorded responses. */
final class MlflowTestRig {

  static final String TOKEN = "dapi0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
  static final String MODELS_PAGE_2 = "eyJvZmZzZXQiOiAyfQ==";
  static final String VERSIONS_PAGE_2 = "eyJvZmZzZXQiOiAyfQ==";
  static final String VERSIONS_PAGE_3 = "eyJvZmZzZXQiOiA0fQ==";
  static final String RUN_FRAUD_7 = "b99a0fc567ae4d32994392c800c0b6ce";
  static final String RUN_CHURN_1 = "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6";
  static final String RUN_CHURN_2 = "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7";
  static final String RUN_DELETED = "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8";

  final WireMockExtension server;
  final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());

  MlflowTestRig(WireMockExtension server) {
    this.server = server;
  }

  /** The recorded registry: 3 models on 2 pages, 5 versions on 3 pages, 3 runs and one deleted run. */
  void stubRecordedRegistry() {
    stubPage(MlflowApi.REGISTERED_MODELS_SEARCH, null, "registered-models-page1.json");
    stubPage(MlflowApi.REGISTERED_MODELS_SEARCH, MODELS_PAGE_2, "registered-models-page2.json");
    stubPage(MlflowApi.MODEL_VERSIONS_SEARCH, null, "model-versions-page1.json");
    stubPage(MlflowApi.MODEL_VERSIONS_SEARCH, VERSIONS_PAGE_2, "model-versions-page2.json");
    stubPage(MlflowApi.MODEL_VERSIONS_SEARCH, VERSIONS_PAGE_3, "model-versions-page3.json");
    for (String run : List.of(RUN_FRAUD_7, RUN_CHURN_1, RUN_CHURN_2)) {
      server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(run))
          .willReturn(okJson(fixture("runs/" + run + ".json"))));
    }
    server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_DELETED))
        .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
            .withBody("{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Run with id="
                + RUN_DELETED + " not found\"}")));
  }

  void stubPage(String path, String pageToken, String fixture) {
    server.stubFor(get(urlPathEqualTo(path))
        .withQueryParam("page_token", pageToken == null ? absent() : equalTo(pageToken))
        .willReturn(okJson(fixture(fixture))));
  }

  ConnectorConfig config(Map<String, Object> options) {
    return config(options, http(4, 4, Duration.ofSeconds(5), 100));
  }

  ConnectorConfig config(Map<String, Object> options, HttpSettings http) {
    return new ConnectorConfig("mlflow-test", "mlflow", URI.create(server.baseUrl()),
        new AuthConfig("bearer", new SecretRef("MLFLOW_TRACKING_TOKEN", null), null, null, null),
        "0 */15 * * * ?", Duration.ofMinutes(15), Duration.ofDays(1), true, http, options,
        Path.of("connectors/mlflow-test.yaml"));
  }

  static HttpSettings http(int maxRetries, int maxInFlight, Duration requestTimeout, int maxPages) {
    return new HttpSettings(Duration.ofSeconds(2), requestTimeout, Duration.ofMinutes(5), maxRetries, maxInFlight,
        maxPages, null, null);
  }

  List<Fact> collect(ConnectorConfig config) throws Exception {
    return collect(config, List.of(), false);
  }

  /** Creates the connector through its type (validating options) and collects with a recording sleeper. */
  List<Fact> collect(ConnectorConfig config, List<Fact> previous, boolean fullRefresh) throws Exception {
    List<Fact> facts = new ArrayList<>();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    HttpClientFactory http = new HttpClientFactory(config, new Secrets(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN)),
        Progress.NONE, Cancellation.NEVER, clock, sleeps::add);
    new MlflowConnectorType().create(config).collect(new CollectContext(config, http, facts::add,
        Cancellation.NEVER, Progress.NONE, previous, fullRefresh, clock));
    return facts;
  }

  static String fixture(String name) {
    try (InputStream in = MlflowTestRig.class.getResourceAsStream("/connector/mlflow/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<ModelVersion> versions(List<Fact> facts) {
    return facts.stream().filter(ModelVersion.class::isInstance).map(ModelVersion.class::cast).toList();
  }

  static List<TrainingRun> runs(List<Fact> facts) {
    return facts.stream().filter(TrainingRun.class::isInstance).map(TrainingRun.class::cast).toList();
  }

  static ModelVersion version(List<Fact> facts, String name, String version) {
    return versions(facts).stream().filter(v -> v.modelName().equals(name) && v.version().equals(version))
        .findFirst().orElseThrow(() -> new AssertionError("no ModelVersion " + name + "/" + version));
  }

  static TrainingRun run(List<Fact> facts, String runId) {
    return runs(facts).stream().filter(r -> r.runId().equals(runId)).findFirst()
        .orElseThrow(() -> new AssertionError("no TrainingRun " + runId));
  }
}
