package io.aimsmonitor.connector.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.NOW;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.RUN_CHURN_1;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.RUN_CHURN_2;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.RUN_DELETED;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.RUN_FRAUD_7;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.TOKEN;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.VERSIONS_PAGE_2;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.fixture;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.run;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.runs;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.version;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.fact.TrainingRun.DatasetInput;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The mlflow connector over real HTTP against recorded MLflow responses. */
class MlflowConnectorTest {

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  private MlflowTestRig rig;

  @BeforeEach
  void setUp() {
    rig = new MlflowTestRig(server);
  }

  @Test
  void collectsEveryVersionAcrossPagesWithItsSourceRun() throws Exception {
    rig.stubRecordedRegistry();

    List<Fact> facts = rig.collect(rig.config(Map.of()));

    // versions sorted by model and number, then runs by id; the deleted run is absent
    assertThat(facts).extracting(f -> f.subject().key()).containsExactly(
        "mlflow-test:churn-model/1", "mlflow-test:churn-model/2", "mlflow-test:fraud-detector/6",
        "mlflow-test:fraud-detector/7", "mlflow-test:ticket-router/1",
        "mlflow-test:run/" + RUN_CHURN_1, "mlflow-test:run/" + RUN_CHURN_2, "mlflow-test:run/" + RUN_FRAUD_7);
    // 2 registered-model pages, 3 version pages, 4 runs/get (one 404), each once
    assertThat(server.getAllServeEvents()).hasSize(9);
    server.verify(2, getRequestedFor(urlPathEqualTo(MlflowApi.REGISTERED_MODELS_SEARCH))
        .withQueryParam("max_results", equalTo("1000")).withQueryParam("order_by", equalTo("name ASC")));
    server.verify(3, getRequestedFor(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH))
        .withQueryParam("filter", absent()).withQueryParam("order_by", equalTo("name ASC")));
    server.verify(9, anyRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void mapsADocumentedApprovedChampionFieldByField() throws Exception {
    rig.stubRecordedRegistry();

    ModelVersion v7 = version(rig.collect(rig.config(Map.of())), "fraud-detector", "7");

    assertThat(v7.source()).isEqualTo("mlflow-test");
    assertThat(v7.sourceUrl()).isEqualTo(server.baseUrl() + "/#/models/fraud-detector/versions/7");
    assertThat(v7.observedAt()).isEqualTo(NOW);
    assertThat(v7.registry()).isEqualTo("mlflow");
    assertThat(v7.modelName()).isEqualTo("fraud-detector");
    assertThat(v7.version()).isEqualTo("7");
    assertThat(v7.stage()).as("MLflow stage None is no stage").isNull();
    assertThat(v7.aliases()).as("version aliases merged with the model's").containsExactly("champion", "prod");
    assertThat(v7.isProduction()).isTrue();
    assertThat(v7.owners()).as("registered-model tag owner").containsExactly("risk-ml");
    assertThat(v7.description()).isEqualTo("GBM v7; see model card in registered model description");
    assertThat(v7.tags()).containsOnly(
        entry("owner", "risk-ml"),
        entry("model_card.url", "https://wiki.example.com/models/fraud-detector"),
        entry("approved_by", "risk-board"),
        entry("monitoring", "evidently:fraud-prod"),
        entry("mlflow.status", "READY"),
        entry("mlflow.model_id", "m-3f1c2a9e8b7d4c6f"),
        entry("mlflow.deployment_job.run_state", "SUCCEEDED"),
        entry("mlflow.model_metric.val_auc", "0.943"));
    assertThat(v7.sourceRunId()).isEqualTo(RUN_FRAUD_7);
    assertThat(v7.sourceGitCommit()).isEqualTo("acb5820ced9479c074f688cc328bf03f341a511d");
    assertThat(v7.approvalStatus()).as("approved_by tag").isEqualTo("APPROVED");
    assertThat(v7.createdAt()).isEqualTo(Instant.ofEpochMilli(1718012345678L));
    assertThat(v7.updatedAt()).isEqualTo(Instant.ofEpochMilli(1718099999000L));
    assertThat(v7.promotedAt()).as("MLflow does not record when an alias was set").isNull();
    assertThat(v7.card()).isEqualTo(new ModelCard(
        "Score card-not-present transactions for manual review.",
        "Not validated for merchants outside the EU.",
        "val_auc on transactions_2024q1 holdout.",
        "transactions_2024q1 (PII masked).",
        "https://wiki.example.com/models/fraud-detector"));
    assertThat(v7.supplier()).isNull();
  }

  @Test
  void mapsTheOtherVersionsConventions() throws Exception {
    rig.stubRecordedRegistry();
    List<Fact> facts = rig.collect(rig.config(Map.of()));

    ModelVersion churn2 = version(facts, "churn-model", "2");
    assertThat(churn2.aliases()).containsExactly("champion");
    assertThat(churn2.owners()).as("comma-separated owner tag").containsExactly("alice@example.com", "bob@example.com");
    assertThat(churn2.approvalStatus()).as("approval_status tag, upper-cased").isEqualTo("APPROVED");
    assertThat(churn2.system()).as("aims.system tag of the registered model").isEqualTo("retention");
    assertThat(churn2.card()).isEqualTo(new ModelCard("Prioritise retention calls.", null, null, null, null));
    assertThat(churn2.sourceGitCommit()).as("its run recorded no commit").isNull();
    assertThat(churn2.updatedAt()).isEqualTo(Instant.ofEpochMilli(1717171200000L));

    ModelVersion churn1 = version(facts, "churn-model", "1");
    assertThat(churn1.stage()).isEqualTo("Archived");
    assertThat(churn1.isProduction()).isFalse();
    assertThat(churn1.description()).isNull();
    assertThat(churn1.card()).as("a description without card headings is no card").isNull();
    assertThat(churn1.approvalStatus()).isNull();
    assertThat(churn1.sourceGitCommit()).isEqualTo("5d41402abc4b2a76b9719d911017c592ae1f3c7e");

    ModelVersion fraud6 = version(facts, "fraud-detector", "6");
    assertThat(fraud6.owners()).as("a version owner tag wins over the model's").containsExactly("dave@example.com");
    assertThat(fraud6.approvalStatus()).isEqualTo("REJECTED");
    assertThat(fraud6.aliases()).isEmpty();
    assertThat(fraud6.sourceRunId()).isNull();
    assertThat(fraud6.sourceGitCommit()).isNull();
  }

  @Test
  void aVersionWithOnlyTheFieldsMlflowAlwaysSetsMapsWithGaps() throws Exception {
    rig.stubRecordedRegistry();
    List<Fact> facts = rig.collect(rig.config(Map.of()));

    ModelVersion router = version(facts, "ticket-router", "1");
    assertThat(router.stage()).isEqualTo("Staging");
    assertThat(router.owners()).as("no owner tag and no user_id").isEmpty();
    assertThat(router.description()).isNull();
    assertThat(router.aliases()).isEmpty();
    assertThat(router.tags()).containsOnly(entry("mlflow.status", "READY"));
    assertThat(router.createdAt()).as("numeric string timestamp").isEqualTo(Instant.ofEpochMilli(1719792000000L));
    assertThat(router.sourceRunId()).as("kept although the run is gone").isEqualTo(RUN_DELETED);
    assertThat(router.sourceGitCommit()).isNull();
    assertThat(router.approvalStatus()).isNull();
    assertThat(router.card()).isNull();
    assertThat(runs(facts)).extracting(TrainingRun::runId).doesNotContain(RUN_DELETED);
  }

  @Test
  void mapsSourceRunsFieldByField() throws Exception {
    rig.stubRecordedRegistry();
    List<Fact> facts = rig.collect(rig.config(Map.of()));

    TrainingRun gbm = run(facts, RUN_FRAUD_7);
    assertThat(gbm.source()).isEqualTo("mlflow-test");
    assertThat(gbm.sourceUrl()).isEqualTo(server.baseUrl() + "/#/experiments/12/runs/" + RUN_FRAUD_7);
    assertThat(gbm.observedAt()).isEqualTo(NOW);
    assertThat(gbm.tracker()).isEqualTo("mlflow");
    assertThat(gbm.experiment()).isEqualTo("12");
    assertThat(gbm.runName()).isEqualTo("train-gbm");
    assertThat(gbm.status()).isEqualTo("FINISHED");
    assertThat(gbm.user()).isEqualTo("alice");
    assertThat(gbm.metrics()).containsOnly(entry("val_auc", 0.943));
    assertThat(gbm.params()).containsOnly(entry("max_depth", "6"));
    assertThat(gbm.tags()).containsOnly(entry("mlflow.user", "alice"),
        entry("mlflow.source.git.commit", "acb5820ced9479c074f688cc328bf03f341a511d"),
        entry("mlflow.source.git.repoURL", "git@github.com:acme/fraud.git"));
    assertThat(gbm.gitCommit()).isEqualTo("acb5820ced9479c074f688cc328bf03f341a511d");
    assertThat(gbm.inputDatasets()).containsExactly(
        new DatasetInput("transactions_2024q1", "8f2e1c9a", "s3://lake/transactions/2024q1.parquet", "training"));
    assertThat(gbm.startedAt()).isEqualTo(Instant.ofEpochMilli(1718010000000L));
    assertThat(gbm.endedAt()).isEqualTo(Instant.ofEpochMilli(1718012000000L));

    TrainingRun baseline = run(facts, RUN_CHURN_1);
    assertThat(baseline.metrics()).hasSize(2).containsEntry("val_f1", 0.71);
    assertThat(baseline.metrics().get("val_log_loss")).as("proto JSON \"NaN\"").isNaN();
    assertThat(baseline.params()).containsOnly(entry("C", "0.5"), entry("penalty", "l2"));
    assertThat(baseline.inputDatasets()).isEmpty();

    TrainingRun xgb = run(facts, RUN_CHURN_2);
    assertThat(xgb.runName()).as("from the mlflow.runName tag").isEqualTo("churn-xgb-q1");
    assertThat(xgb.user()).as("mlflow.user tag over the empty user_id").isEqualTo("carol");
    assertThat(xgb.metrics()).isEmpty();
    assertThat(xgb.gitCommit()).isNull();
    assertThat(xgb.startedAt()).isEqualTo(Instant.ofEpochMilli(1714435200000L));
    assertThat(xgb.inputDatasets()).containsExactly(
        new DatasetInput("usage_2024q1", "c0ffee12", "main.retention.usage_2024q1", "training"),
        new DatasetInput("usage_2024q1_holdout", "c0ffee13", "/dbfs/tmp/holdout.parquet", "validation"));
  }

  @Test
  void anEmptyRegistryYieldsNoFactsAfterOneRequest() throws Exception {
    server.stubFor(get(urlPathEqualTo(MlflowApi.REGISTERED_MODELS_SEARCH)).willReturn(okJson(fixture("empty.json"))));

    assertThat(rig.collect(rig.config(Map.of()))).isEmpty();
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void withAFilterListsOnlyThoseModelsAndTheirVersionsModelByModel() throws Exception {
    String onlyFraud = "{\"registered_models\": [" + JsonMapper.shared().readTree(fixture("registered-models-page1.json"))
        .get("registered_models").get(1) + "]}";
    server.stubFor(get(urlPathEqualTo(MlflowApi.REGISTERED_MODELS_SEARCH))
        .withQueryParam("filter", equalTo("name LIKE '%-detector'")).willReturn(okJson(onlyFraud)));
    ObjectNode fraudVersions = (ObjectNode) JsonMapper.shared().readTree(fixture("model-versions-page2.json"));
    fraudVersions.remove("next_page_token");
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH))
        .withQueryParam("filter", equalTo("name='fraud-detector'")).willReturn(okJson(fraudVersions.toString())));
    server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_FRAUD_7))
        .willReturn(okJson(fixture("runs/" + RUN_FRAUD_7 + ".json"))));

    List<Fact> facts = rig.collect(rig.config(Map.of("filter", "name LIKE '%-detector'")));

    assertThat(versions(facts)).extracting(ModelVersion::version).containsExactly("6", "7");
    assertThat(runs(facts)).extracting(TrainingRun::runId).containsExactly(RUN_FRAUD_7);
    server.verify(0, getRequestedFor(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("filter", absent()));
  }

  @Test
  void withFetchRunsFalseNoRunIsRequestedAndLinksUseTheUiUrl() throws Exception {
    rig.stubRecordedRegistry();

    List<Fact> facts = rig.collect(rig.config(Map.of("fetchRuns", false, "uiUrl", "https://mlflow.example.com/")));

    assertThat(runs(facts)).isEmpty();
    assertThat(versions(facts)).hasSize(5);
    ModelVersion v7 = version(facts, "fraud-detector", "7");
    assertThat(v7.sourceRunId()).isEqualTo(RUN_FRAUD_7);
    assertThat(v7.sourceGitCommit()).isNull();
    assertThat(v7.sourceUrl()).isEqualTo("https://mlflow.example.com/#/models/fraud-detector/versions/7");
    server.verify(0, getRequestedFor(urlPathEqualTo(MlflowApi.RUNS_GET)));
  }

  @Test
  void a429WithRetryAfterIsWaitedOutAndTheRunCompletes() throws Exception {
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_CHURN_1))
        .inScenario("429").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")
            .withBody("{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"Too many requests\"}"))
        .willSetStateTo("served"));
    server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_CHURN_1))
        .inScenario("429").whenScenarioStateIs("served").willReturn(okJson(fixture("runs/" + RUN_CHURN_1 + ".json"))));

    List<Fact> facts = rig.collect(rig.config(Map.of()));

    assertThat(rig.sleeps).containsExactly(3_000L);
    assertThat(run(facts, RUN_CHURN_1).metrics()).containsKey("val_f1");
    server.verify(2, getRequestedFor(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_CHURN_1)));
  }

  @Test
  void a500OnAListingPageIsRetriedAndTheRunCompletes() throws Exception {
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("page_token", equalTo(VERSIONS_PAGE_2))
        .inScenario("500").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(500).withBody("{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"db timeout\"}"))
        .willSetStateTo("served"));
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("page_token", equalTo(VERSIONS_PAGE_2))
        .inScenario("500").whenScenarioStateIs("served").willReturn(okJson(fixture("model-versions-page2.json"))));

    List<Fact> facts = rig.collect(rig.config(Map.of()));

    assertThat(versions(facts)).hasSize(5);
    assertThat(rig.sleeps).hasSize(1);
  }

  @Test
  void aRunThatTimesOutFailsTheRunWithReasonTimeoutAndEmitsNothing() throws Exception {
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_FRAUD_7))
        .willReturn(okJson(fixture("runs/" + RUN_FRAUD_7 + ".json")).withFixedDelay(2_000)));
    ConnectorConfig config = rig.config(Map.of(), MlflowTestRig.http(1, 4, Duration.ofMillis(300), 100));

    ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> rig.collect(config));

    assertThat(e.reason()).isEqualTo("timeout");
    assertThat(e.getMessage()).contains("connector 'mlflow-test'", MlflowApi.RUNS_GET + "?run_id=" + RUN_FRAUD_7,
        "after 2 attempts");
    server.verify(2, getRequestedFor(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_FRAUD_7)));
  }

  @Test
  void aBodyThatIsNotJsonFailsAsMalformedNamingTheUrl() throws Exception {
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("page_token", equalTo(VERSIONS_PAGE_2))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>502 Bad Gateway</html>")));

    ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> rig.collect(rig.config(Map.of())));

    assertThat(e.reason()).isEqualTo("malformed");
    assertThat(e.getMessage()).contains("connector 'mlflow-test'", MlflowApi.MODEL_VERSIONS_SEARCH,
        "page_token=" + VERSIONS_PAGE_2, "not valid JSON");
  }

  @Test
  void modelVersionsThatIsNotAnArrayFailsNamingConnectorUrlAndField() throws Exception {
    rig.stubRecordedRegistry();
    rig.server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("page_token", absent())
        .willReturn(okJson("{\"model_versions\": {\"name\": \"churn-model\", \"version\": \"1\"}}")));

    ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> rig.collect(rig.config(Map.of())));

    assertThat(e.reason()).isEqualTo("malformed");
    assertThat(e.getMessage()).isEqualTo("connector 'mlflow-test': response from " + server.baseUrl()
        + MlflowApi.MODEL_VERSIONS_SEARCH + "?max_results=1000&order_by=name%20ASC: model_versions: expected an array,"
        + " got object");
  }

  @Test
  void wrongOrMissingFieldsWeNeedFailNamingTheField() throws Exception {
    assertMalformed(MlflowApi.MODEL_VERSIONS_SEARCH,
        "{\"model_versions\": [{\"name\": \"churn-model\", \"creation_timestamp\": 1709251200000}]}",
        "model_versions[0].version: is missing");
    assertMalformed(MlflowApi.MODEL_VERSIONS_SEARCH,
        "{\"model_versions\": [{\"name\": \"churn-model\", \"version\": \"1\", \"last_updated_timestamp\": \"yesterday\"}]}",
        "model_versions[0].last_updated_timestamp: expected epoch milliseconds, got string \"yesterday\"");
    assertMalformed(MlflowApi.MODEL_VERSIONS_SEARCH,
        "{\"model_versions\": [{\"name\": \"churn-model\", \"version\": \"1\", \"tags\": {\"owner\": \"x\"}}]}",
        "model_versions[0].tags: expected an array, got object");
    assertMalformed(MlflowApi.REGISTERED_MODELS_SEARCH,
        "{\"registered_models\": [{\"name\": \"a\"}, {\"description\": \"no name\"}]}",
        "registered_models[1].name: is missing");
    assertMalformed(MlflowApi.REGISTERED_MODELS_SEARCH,
        "{\"registered_models\": [{\"name\": \"a\", \"aliases\": [{\"alias\": \"champion\"}]}]}",
        "registered_models[0].aliases[0].version: is missing");
    assertMalformed(MlflowApi.RUNS_GET, "{\"run\": {\"data\": {}}}", "run.info: is missing");
    assertMalformed(MlflowApi.RUNS_GET,
        "{\"run\": {\"info\": {\"run_id\": \"" + RUN_CHURN_1 + "\"}, \"data\": {\"metrics\": [{\"key\": \"auc\", \"value\": {\"v\": 1}}]}}}",
        "run.data.metrics[0].value: expected a number");
  }

  private void assertMalformed(String path, String body, String expected) throws Exception {
    server.resetAll();
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(path)).withQueryParam("page_token", absent()).willReturn(okJson(body)));

    ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> rig.collect(rig.config(Map.of())));

    assertThat(e).as(expected).isNotNull();
    assertThat(e.reason()).isEqualTo("malformed");
    assertThat(e.getMessage()).startsWith("connector 'mlflow-test': response from " + server.baseUrl() + path)
        .contains(expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedCredentialsFailAtOnceWithOneRequestAndAClearMessage(int status) throws Exception {
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(MlflowApi.REGISTERED_MODELS_SEARCH)).willReturn(aResponse().withStatus(status)
        .withBody("{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"Invalid access token.\"}")));

    ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> rig.collect(rig.config(Map.of())));

    assertThat(e.reason()).isEqualTo("auth");
    assertThat(e.getMessage()).contains("connector 'mlflow-test'", "HTTP " + status, MlflowApi.REGISTERED_MODELS_SEARCH,
        "bearer auth from env:MLFLOW_TRACKING_TOKEN", "PERMISSION_DENIED: Invalid access token.")
        .doesNotContain(TOKEN);
    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(rig.sleeps).isEmpty();
  }

  @Test
  void aListingLongerThanMaxPagesFailsTheRun() throws Exception {
    rig.stubRecordedRegistry();

    ConnectorException e = catchThrowableOfType(ConnectorException.class,
        () -> rig.collect(rig.config(Map.of(), MlflowTestRig.http(0, 4, Duration.ofSeconds(5), 2))));

    assertThat(e.reason()).isEqualTo("malformed");
    assertThat(e.getMessage()).contains("connector 'mlflow-test'", MlflowApi.MODEL_VERSIONS_SEARCH, "2 pages",
        "http.maxPages");
  }

  @Test
  void basicAuthSendsTheConfiguredUserAndPassword() throws Exception {
    rig.stubRecordedRegistry();
    ConnectorConfig basic = new ConnectorConfig("mlflow-test", "mlflow", rig.config(Map.of()).baseUrl(),
        new AuthConfig("basic", null, "aims-reader", new SecretRef("MLFLOW_TRACKING_TOKEN", null), null),
        "0 */15 * * * ?", Duration.ofMinutes(15), Duration.ofDays(1), true, MlflowTestRig.http(0, 4,
        Duration.ofSeconds(5), 100), Map.of("fetchRuns", false), rig.config(Map.of()).file());

    rig.collect(basic);

    String expected = "Basic " + Base64.getEncoder().encodeToString(("aims-reader:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    server.verify(5, anyRequestedFor(anyUrl()).withHeader("Authorization", equalTo(expected)));
  }

  @Test
  void throughTheCollectionRunnerAFailureMidRunYieldsNoFactsAtAll() {
    rig.stubRecordedRegistry();
    server.stubFor(get(urlPathEqualTo(MlflowApi.RUNS_GET)).withQueryParam("run_id", equalTo(RUN_CHURN_2))
        .willReturn(okJson("{\"run\": []}")));
    CollectionRunner runner = new CollectionRunner(ConnectorTypes.discover(),
        new Secrets(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN)), Clock.systemUTC());

    CollectionResult result = runner.run(rig.config(Map.of(), MlflowTestRig.http(0, 4, Duration.ofSeconds(5), 100)),
        List.of(), false, () -> false);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.facts()).isEmpty();
    assertThat(result.errorReason()).isEqualTo("malformed");
    assertThat(result.error()).contains("run_id=" + RUN_CHURN_2, "run: expected an object, got array");
    assertThat(result.pages()).as("listing pages counted").isEqualTo(5);
  }
}
