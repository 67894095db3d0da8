package io.aimsmonitor.connector.kubeflow;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.NOW;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.bearer;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.connector.registry.RegistryTestSupport.Run;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import io.aimsmonitor.fact.ModelVersion.SupplierInfo;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KubeflowConnectorTest {

  private static final String API = "/api/model_registry/v1alpha3";
  private static final String TOKEN = "kf-secret-token-value";
  private static final URI UI = URI.create("https://kubeflow.example.com/model-registry/modelregistry-public");

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Long> sleeps = new ArrayList<>();

  private ConnectorConfig config() {
    return RegistryTestSupport.config("kf-test", KubeflowConnectorType.NAME, server.baseUrl(), bearer("KF_TOKEN"),
        Map.of("pageSize", 2));
  }

  private Run run() throws Exception {
    return run(config());
  }

  private Run run(ConnectorConfig config) throws Exception {
    return RegistryTestSupport.run(config, new KubeflowConnector(config, 2, UI, sleeps::add),
        Map.of("KF_TOKEN", TOKEN));
  }

  private void stubRegistry() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions")).withQueryParam("nextPageToken", absent())
        .willReturn(okJson(resource("connector/kubeflow/model_versions-page1.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/model_versions"))
        .withQueryParam("nextPageToken", equalTo("MTM6MTcxMjIzNDg3NzE3OQ=="))
        .willReturn(okJson(resource("connector/kubeflow/model_versions-page2.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/registered_models"))
        .willReturn(okJson(resource("connector/kubeflow/registered_models.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/model_versions/12/artifacts"))
        .willReturn(okJson(resource("connector/kubeflow/artifacts-12.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/model_versions/13/artifacts"))
        .willReturn(okJson(resource("connector/kubeflow/artifacts-empty.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/model_versions/14/artifacts"))
        .willReturn(okJson(resource("connector/kubeflow/artifacts-null-items.json"))));
  }

  private static ModelVersion version(List<Fact> facts, String name) {
    return facts.stream().map(ModelVersion.class::cast).filter(f -> f.version().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void readsEveryPageAndMapsVersionModelAndArtifacts() throws Exception {
    stubRegistry();

    Run run = run();

    assertEquals(3, run.facts().size());
    ModelVersion v7 = version(run.facts(), "v7");
    assertEquals("kf-test", v7.source());
    assertEquals(UI + "/registeredModels/3/versions/12/details", v7.sourceUrl());
    assertEquals(NOW, v7.observedAt());
    assertEquals("kubeflow", v7.registry());
    assertEquals("fraud-detector", v7.modelName());
    assertEquals("Production", v7.stage());
    assertEquals(List.of("champion", "candidate"), v7.aliases());
    assertEquals(List.of("risk-ml", "fraud-ops", "alice"), v7.owners());
    assertEquals("GBM retrained on 2024Q1", v7.description());
    assertEquals("27", v7.sourceRunId(), "run of the LIVE model artifact");
    assertEquals("acb5820ced9479c074f688cc328bf03f341a511d", v7.sourceGitCommit());
    assertEquals("APPROVED", v7.approvalStatus());
    assertEquals(Instant.ofEpochMilli(1712234877179L), v7.createdAt());
    assertEquals(Instant.ofEpochMilli(1712321277179L), v7.updatedAt());
    assertEquals(Instant.parse("2024-04-06T09:30:00Z"), v7.promotedAt());
    assertTrue(v7.isProduction());
    assertEquals("payments-fraud", v7.system());
    assertEquals(Map.ofEntries(
        Map.entry("aims.system", "payments-fraud"),
        Map.entry("owner", "alice"),
        Map.entry("critical", ""),
        Map.entry("stage", "Production"),
        Map.entry("aliases", "champion, candidate"),
        Map.entry("approval_status", "Approved"),
        Map.entry("git_commit", "acb5820ced9479c074f688cc328bf03f341a511d"),
        Map.entry("promoted_at", "2024-04-06T09:30:00Z"),
        Map.entry("epochs", "20"),
        Map.entry("learning_rate", "0.05"),
        Map.entry("calibrated", "true"),
        Map.entry("kubeflow.registeredModelId", "3"),
        Map.entry("kubeflow.modelVersionId", "12"),
        Map.entry("kubeflow.state", "LIVE"),
        Map.entry("kubeflow.registeredModelState", "LIVE"),
        Map.entry("kubeflow.author", "alice"),
        Map.entry("kubeflow.artifact.uri", "s3://models/fraud-detector/v7/model.onnx"),
        Map.entry("kubeflow.artifact.state", "LIVE"),
        Map.entry("kubeflow.artifact.modelFormatName", "onnx"),
        Map.entry("kubeflow.artifact.modelFormatVersion", "1"),
        Map.entry("kubeflow.artifact.modelSourceKind", "kfp"),
        Map.entry("kubeflow.artifact.modelSourceClass", "pipelinerun"),
        Map.entry("kubeflow.artifact.modelSourceGroup", "risk-ml"),
        Map.entry("kubeflow.artifact.modelSourceId", "9d2c6a1e-7f3b-4d6e-9a41-2f0c5b8e1d77"),
        Map.entry("kubeflow.artifact.modelSourceName", "train-fraud-gbm"),
        Map.entry("kubeflow.artifact.count", "2"),
        Map.entry("kubeflow.metric.auc", "0.943"),
        Map.entry("kubeflow.datasets", "transactions_2024q1")), v7.tags());
    assertEquals(new ModelCard(
        "Scoring card-not-present transactions for manual review.\n\n### Out-of-scope use\n\nCredit decisions.",
        "Under-represents merchants outside the EU.",
        "AUC 0.94 on the 2024Q1 hold-out set.\n\n```\n## not a heading inside code\n```",
        "transactions_2024q1 (lake/transactions/2024q1.parquet)",
        "https://docs.example.com/models/fraud-detector/v7.md"), v7.card());
    assertNull(v7.supplier());

    ModelVersion v6 = version(run.facts(), "v6");
    assertEquals("Archived", v6.stage(), "ARCHIVED state wins over any stage property");
    assertFalse(v6.isProduction());
    assertEquals(List.of(), v6.aliases());
    assertEquals(List.of("risk-ml", "fraud-ops"), v6.owners());
    assertEquals("Card fraud scoring", v6.description(), "blank version description falls back to the model's");
    assertEquals("PENDING", v6.approvalStatus(), "approved=false");
    assertNull(v6.sourceRunId());
    assertEquals("bob", v6.tag("kubeflow.author"));
    assertEquals("ARCHIVED", v6.tag("kubeflow.state"));
    assertEquals(UI + "/registeredModels/3/versions/13/details", v6.card().url(), "no doc artifact: the version page");

    ModelVersion granite = version(run.facts(), "2.1.2");
    assertEquals("granite-3.1-8b-instruct", granite.modelName());
    assertNull(granite.stage());
    assertEquals(List.of(), granite.owners());
    assertNull(granite.description());
    assertNull(granite.approvalStatus());
    assertNull(granite.sourceGitCommit());
    assertNull(granite.card(), "no readme and no doc artifact");
    assertEquals(new SupplierInfo("IBM", "apache-2.0", "2.1.2", "ibm-granite/granite-3.1-8b-base", List.of(), false,
        false), granite.supplier());
    assertEquals(Map.ofEntries(
        Map.entry("base_model", "ibm-granite/granite-3.1-8b-base"),
        Map.entry("kubeflow.registeredModelId", "4"),
        Map.entry("kubeflow.modelVersionId", "14"),
        Map.entry("kubeflow.state", "LIVE"),
        Map.entry("kubeflow.registeredModelState", "LIVE"),
        Map.entry("kubeflow.provider", "IBM"),
        Map.entry("kubeflow.license", "apache-2.0"),
        Map.entry("kubeflow.licenseLink", "https://www.apache.org/licenses/LICENSE-2.0.txt"),
        Map.entry("kubeflow.maturity", "Generally Available"),
        Map.entry("kubeflow.libraryName", "transformers"),
        Map.entry("kubeflow.tasks", "text-generation"),
        Map.entry("kubeflow.language", "en,de")), granite.tags());

    server.verify(getRequestedFor(urlPathEqualTo(API + "/model_versions"))
        .withQueryParam("pageSize", equalTo("2")).withQueryParam("orderBy", equalTo("ID"))
        .withQueryParam("sortOrder", equalTo("ASC")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    server.verify(1, getRequestedFor(urlPathEqualTo(API + "/model_versions"))
        .withQueryParam("nextPageToken", equalTo("MTM6MTcxMjIzNDg3NzE3OQ==")));
    assertEquals(2 + 1 + 3, run.pages(), "two version pages, one model page, one artifact page per version");
  }

  @Test
  void linksToTheRestApiWithoutAUiUrl() throws Exception {
    stubRegistry();
    ConnectorConfig config = config();

    Run run = RegistryTestSupport.run(config, new KubeflowConnector(config, 2, null, sleeps::add),
        Map.of("KF_TOKEN", TOKEN));

    assertEquals(server.baseUrl() + API + "/model_versions/12", version(run.facts(), "v7").sourceUrl());
  }

  @Test
  void emptyRegistryGivesNoFacts() throws Exception {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions"))
        .willReturn(okJson("{\"items\":[],\"nextPageToken\":\"\",\"pageSize\":2,\"size\":0}")));
    server.stubFor(get(urlPathEqualTo(API + "/registered_models"))
        .willReturn(okJson("{\"items\":null,\"nextPageToken\":\"\",\"pageSize\":2,\"size\":0}")));

    Run run = run();

    assertEquals(List.of(), run.facts());
    server.verify(1, getRequestedFor(urlPathEqualTo(API + "/model_versions")));
    server.verify(1, getRequestedFor(urlPathEqualTo(API + "/registered_models")));
  }

  @Test
  void fetchesARegisteredModelTheListingDidNotHold() throws Exception {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions")).willReturn(okJson(
        "{\"items\":[{\"id\":\"20\",\"registeredModelId\":\"9\",\"name\":\"1\",\"state\":\"LIVE\"}],"
            + "\"nextPageToken\":\"\",\"pageSize\":2,\"size\":1}")));
    server.stubFor(get(urlPathEqualTo(API + "/registered_models"))
        .willReturn(okJson("{\"items\":[],\"nextPageToken\":\"\",\"pageSize\":2,\"size\":0}")));
    server.stubFor(get(urlPathEqualTo(API + "/registered_models/9"))
        .willReturn(okJson("{\"id\":\"9\",\"name\":\"late-model\",\"owner\":\"carol\",\"state\":\"LIVE\"}")));
    server.stubFor(get(urlPathEqualTo(API + "/model_versions/20/artifacts"))
        .willReturn(okJson(resource("connector/kubeflow/artifacts-empty.json"))));

    ModelVersion fact = (ModelVersion) run().facts().get(0);

    assertEquals("late-model", fact.modelName());
    assertEquals(List.of("carol"), fact.owners());
    assertNull(fact.createdAt(), "timestamps are optional");
  }

  @Test
  void retriesAServerErrorThenSucceeds() throws Exception {
    stubRegistry();
    server.stubFor(get(urlPathEqualTo(API + "/registered_models")).inScenario("flaky")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
            .withBody(resource("connector/kubeflow/error-internal.json")))
        .willSetStateTo("recovered"));
    server.stubFor(get(urlPathEqualTo(API + "/registered_models")).inScenario("flaky")
        .whenScenarioStateIs("recovered")
        .willReturn(okJson(resource("connector/kubeflow/registered_models.json"))));

    Run run = run();

    assertEquals(3, run.facts().size());
    server.verify(2, getRequestedFor(urlPathEqualTo(API + "/registered_models")));
    assertEquals(1, sleeps.size(), "one backoff before the retry");
  }

  @Test
  void persistentServerErrorFailsNamingConnectorUrlAndServerMessage() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions")).willReturn(aResponse().withStatus(500)
        .withHeader("Content-Type", "application/json").withBody(resource("connector/kubeflow/error-internal.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("http_5xx", e.reason());
    assertTrue(e.getMessage().contains("connector 'kf-test'"), e.getMessage());
    assertTrue(e.getMessage().contains(API + "/model_versions"), e.getMessage());
    assertTrue(e.getMessage().contains("database is locked"), e.getMessage());
    server.verify(3, getRequestedFor(urlPathEqualTo(API + "/model_versions"))); // 1 + http.maxRetries (2)
  }

  @Test
  void timeoutFailsWithReasonTimeout() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions"))
        .willReturn(okJson(resource("connector/kubeflow/model_versions-page2.json")).withFixedDelay(1_000)));

    ConnectorException e = assertThrows(ConnectorException.class,
        () -> run(RegistryTestSupport.withShortTimeout(config())));

    assertEquals("timeout", e.reason());
    assertTrue(e.getMessage().contains("connector 'kf-test'") && e.getMessage().contains("timed out"), e.getMessage());
    server.verify(2, getRequestedFor(urlPathEqualTo(API + "/model_versions"))); // 1 + one retry
  }

  @Test
  void bodyThatIsNotJsonFailsAsMalformed() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
            .withBody("<html><body>Sign in to Kubeflow</body></html>")));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("connector 'kf-test'") && e.getMessage().contains("not valid JSON"),
        e.getMessage());
  }

  @Test
  void listWithoutItemsArrayFailsAsMalformed() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions"))
        .willReturn(okJson("{\"items\":{\"id\":\"1\"},\"nextPageToken\":\"\",\"pageSize\":2,\"size\":1}")));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("'items'"), e.getMessage());
  }

  @Test
  void timestampThatIsNotEpochMillisFailsNamingTheField() {
    stubRegistry();
    server.stubFor(get(urlPathEqualTo(API + "/model_versions")).withQueryParam("nextPageToken", absent())
        .willReturn(okJson(resource("connector/kubeflow/model_versions-page2.json")
            .replace("\"createTimeSinceEpoch\": \"1714000000000\"", "\"createTimeSinceEpoch\": \"2024-04-25\""))));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("createTimeSinceEpoch '2024-04-25'"), e.getMessage());
  }

  @Test
  void serverRepeatingItsTokenIsStoppedInsteadOfLooping() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions"))
        .willReturn(okJson("{\"items\":[],\"nextPageToken\":\"c2FtZQ==\",\"pageSize\":2,\"size\":0}")));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("listing " + server.baseUrl() + API + "/model_versions?")
        && e.getMessage().contains("next page 'c2FtZQ==' was already fetched"), e.getMessage());
    server.verify(2, getRequestedFor(urlPathEqualTo(API + "/model_versions")));
  }

  @Test
  void refusedCredentialsFailAtOnceWithOneRequestAndNoSecretInTheMessage() {
    server.stubFor(get(urlPathEqualTo(API + "/model_versions")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody(resource("connector/kubeflow/error-unauthorized.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("connector 'kf-test'"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains(API + "/model_versions"), e.getMessage());
    assertTrue(e.getMessage().contains("env:KF_TOKEN"), "names where the token came from: " + e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    server.verify(1, getRequestedFor(urlPathEqualTo(API + "/model_versions")));
    assertEquals(List.of(), sleeps);
  }
}
