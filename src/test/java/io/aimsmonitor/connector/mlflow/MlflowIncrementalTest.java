package io.aimsmonitor.connector.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.VERSIONS_PAGE_2;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.fixture;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.run;
import static io.aimsmonitor.connector.mlflow.MlflowTestRig.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Incremental collection: unchanged versions reuse the previous snapshot's runs instead of calling runs/get. */
class MlflowIncrementalTest {

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  private static final int LISTING_PAGES = 5;

  private MlflowTestRig rig;
  private ConnectorConfig config;
  private List<Fact> first;

  @BeforeEach
  void collectOnce() throws Exception {
    rig = new MlflowTestRig(server);
    rig.stubRecordedRegistry();
    config = rig.config(Map.of());
    first = rig.collect(config);
    assertThat(runsGetCalls()).containsExactlyInAnyOrder(RUN_CHURN_1, RUN_CHURN_2, RUN_FRAUD_7, RUN_DELETED);
    server.resetRequests();
  }

  @Test
  void aSteadyStateRunOnlyListsAndRefetchesNothingItAlreadyHas() throws Exception {
    List<Fact> second = rig.collect(config, reObserved(first), false);

    // only the run that was gone last time is asked for again: nothing in the snapshot can stand in for it
    assertThat(runsGetCalls()).containsExactly(RUN_DELETED);
    assertThat(server.getAllServeEvents()).hasSize(LISTING_PAGES + 1);
    assertThat(second).hasSameSizeAs(first);
    assertThat(withoutObservedAt(second)).containsExactlyElementsOf(withoutObservedAt(first));
    assertThat(second).allSatisfy(f -> assertThat(f.observedAt()).isEqualTo(NOW));
    assertThat(version(second, "fraud-detector", "7").sourceGitCommit())
        .as("the git commit comes from the reused run").isEqualTo("acb5820ced9479c074f688cc328bf03f341a511d");
  }

  @Test
  void theSnapshotSurvivesTheStoresJsonCodecAndStillEnablesReuse() throws Exception {
    List<Fact> stored = FactJson.readList(FactJson.write(first));

    assertThat(stored).containsExactlyElementsOf(first);
    assertThat(run(stored, RUN_CHURN_1).metrics().get("val_log_loss")).isNaN();

    rig.collect(config, stored, false);
    assertThat(runsGetCalls()).containsExactly(RUN_DELETED);
  }

  @Test
  void aVersionWhoseLastUpdateChangedHasItsRunFetchedAgain() throws Exception {
    String changed = fixture("model-versions-page2.json").replace("\"last_updated_timestamp\": 1718099999000",
        "\"last_updated_timestamp\": 1718200000000");
    assertThat(changed).contains("1718200000000");
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH))
        .withQueryParam("page_token", equalTo(VERSIONS_PAGE_2))
        .willReturn(okJson(changed)));

    List<Fact> second = rig.collect(config, reObserved(first), false);

    assertThat(runsGetCalls()).containsExactlyInAnyOrder(RUN_FRAUD_7, RUN_DELETED);
    assertThat(version(second, "fraud-detector", "7").updatedAt()).isEqualTo(Instant.ofEpochMilli(1718200000000L));
    assertThat(run(second, RUN_FRAUD_7).metrics()).containsKey("val_auc");
  }

  @Test
  void aFullRefreshIgnoresThePreviousSnapshot() throws Exception {
    rig.collect(config, reObserved(first), true);

    assertThat(runsGetCalls()).containsExactlyInAnyOrder(RUN_CHURN_1, RUN_CHURN_2, RUN_FRAUD_7, RUN_DELETED);
  }

  @Test
  void factsOfAnotherSourceAreNeverReused() throws Exception {
    List<Fact> foreign = first.stream().map(f -> f.withOrigin("other-mlflow", f.observedAt())).toList();

    rig.collect(config, foreign, false);

    assertThat(runsGetCalls()).hasSize(4);
  }

  @Test
  void aRunSharedWithAChangedVersionIsFetchedAgainForAllOfThem() throws Exception {
    // churn-model v1 (listed first) is unchanged; v2 changed and now claims v1's run
    String page1 = fixture("model-versions-page1.json")
        .replace("\"run_id\": \"" + RUN_CHURN_2 + "\"", "\"run_id\": \"" + RUN_CHURN_1 + "\"")
        .replace("\"last_updated_timestamp\": 1717171200000", "\"last_updated_timestamp\": 1717171200001");
    assertThat(page1).doesNotContain(RUN_CHURN_2 + "\"");
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("page_token", absent())
        .willReturn(okJson(page1)));

    List<Fact> second = rig.collect(config, reObserved(first), false);

    assertThat(runsGetCalls()).containsExactlyInAnyOrder(RUN_CHURN_1, RUN_DELETED);
    assertThat(run(second, RUN_CHURN_1).observedAt()).isEqualTo(NOW);
    assertThat(second.stream().filter(f -> f instanceof TrainingRun r && r.runId().equals(RUN_CHURN_2)))
        .as("no version uses churn v2's old run any more").isEmpty();
  }

  private static List<String> runsGetCalls() {
    return server.findAll(getRequestedFor(urlPathEqualTo(MlflowApi.RUNS_GET))).stream()
        .map(LoggedRequest::getQueryParams).map(q -> q.get("run_id").firstValue()).toList();
  }

  /** The snapshot as the store returns it: observed an hour before this run. */
  private static List<Fact> reObserved(List<Fact> facts) {
    return facts.stream().map(f -> f.withOrigin(f.source(), NOW.minusSeconds(3600))).toList();
  }

  private static List<Fact> withoutObservedAt(List<Fact> facts) {
    return facts.stream().map(f -> f.withOrigin(f.source(), Instant.EPOCH)).toList();
  }
}
