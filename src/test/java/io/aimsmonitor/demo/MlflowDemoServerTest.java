package io.aimsmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demo registry, read by the real mlflow connector with the shipped demo configuration. */
class MlflowDemoServerTest {

  private static DemoMlflowServer demo;
  private static List<Fact> facts;
  private static final AtomicInteger pages = new AtomicInteger();

  @BeforeAll
  static void collectTheDemo() throws Exception {
    demo = DemoMlflowServer.start(0);
    ConnectorConfig shipped = new ConnectorConfigLoader(ConnectorTypes.discover(), DemoServers.names())
        .loadFile(Path.of("connectors/demo-mlflow.yaml"));
    ConnectorConfig config = shipped.withBaseUrl(demo.baseUrl());
    Progress counting = new Progress() {
      @Override public void page(String what) {
        pages.incrementAndGet();
      }
      @Override public void items(int count) {}
      @Override public void rateLimitWait(java.time.Duration wait) {}
    };
    List<Fact> collected = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    ConnectorTypes.discover().get("mlflow").create(config).collect(new CollectContext(config,
        new HttpClientFactory(config, new Secrets(Map.of()), counting, Cancellation.NEVER, clock), collected::add,
        Cancellation.NEVER, counting, List.of(), false, clock));
    facts = List.copyOf(collected);
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  @Test
  void servesAcmeAnalyticsSixModelsTenVersionsAndTheirRuns() {
    assertThat(versions()).extracting(v -> v.modelName() + "/" + v.version()).containsExactly(
        "credit-limit-recommender/1", "demand-forecaster/1", "demand-forecaster/2", "doc-summarizer/1",
        "fraud-detector/3", "fraud-detector/4", "fraud-detector/5", "subscriber-churn/1", "subscriber-churn/2",
        "ticket-triage/1");
    assertThat(facts.stream().filter(TrainingRun.class::isInstance)).as("the summarizer's run was deleted").hasSize(9);
    assertThat(facts).allSatisfy(f -> assertThat(f.source()).isEqualTo("demo-mlflow"));
    assertThat(pages.get()).as("2 pages of 5 registered models, 2 pages of 5 versions").isEqualTo(4);
  }

  @Test
  void aProperlyDocumentedApprovedChampion() {
    ModelVersion v4 = version("fraud-detector", "4");
    assertThat(v4.isProduction()).isTrue();
    assertThat(v4.aliases()).containsExactly("champion");
    assertThat(v4.owners()).containsExactly("risk-ml@acme-analytics.example", "payments-risk@acme-analytics.example");
    assertThat(v4.approvalStatus()).isEqualTo("APPROVED");
    assertThat(v4.description()).isNotBlank();
    assertThat(v4.sourceGitCommit()).isEqualTo("a41b7c9d0e2f4a6b8c1d3e5f7a9b0c2d4e6f8a01");
    assertThat(v4.card()).isNotNull();
    assertThat(v4.card().intendedUse()).startsWith("Real-time risk score");
    assertThat(v4.card().limitations()).startsWith("Trained on EU and UK merchants only");
    assertThat(v4.card().metrics()).isNotBlank();
    assertThat(v4.card().trainingData()).contains("acme.payments.transactions_cnp");
    assertThat(v4.card().url()).isEqualTo("https://wiki.acme-analytics.example/ml/fraud-detector/model-card");
    assertThat(v4.system()).isEqualTo("acme-pay-fraud");
    assertThat(version("credit-limit-recommender", "1").system()).as("joins the file demo's impact assessment")
        .isEqualTo("credit-decisioning");
    assertThat(v4.sourceUrl()).isEqualTo(demo.baseUrl() + "/#/models/fraud-detector/versions/4");
    TrainingRun run = run(v4.sourceRunId()).orElseThrow();
    assertThat(run.metrics()).containsKeys("roc_auc", "recall_at_1pct_fpr");
    assertThat(run.inputDatasets()).extracting(TrainingRun.DatasetInput::context).contains("training", "validation");
  }

  @Test
  void theGapsTheLifecycleRulesAreMeantToFind() {
    ModelVersion unowned = version("subscriber-churn", "2");
    assertThat(unowned.isProduction()).isTrue();
    assertThat(unowned.owners()).as("champion without owner").isEmpty();

    ModelVersion undocumented = version("credit-limit-recommender", "1");
    assertThat(undocumented.isProduction()).isTrue();
    assertThat(undocumented.description()).as("production version without description").isNull();
    assertThat(undocumented.card()).isNull();

    ModelVersion unmeasured = version("ticket-triage", "1");
    assertThat(unmeasured.isProduction()).isTrue();
    assertThat(run(unmeasured.sourceRunId()).orElseThrow().metrics()).as("source run without metrics").isEmpty();

    ModelVersion uncommitted = version("demand-forecaster", "2");
    assertThat(uncommitted.isProduction()).isTrue();
    assertThat(uncommitted.sourceGitCommit()).as("trained from a notebook, no git commit").isNull();
    assertThat(run(uncommitted.sourceRunId()).orElseThrow().metrics()).isNotEmpty();

    assertThat(version("fraud-detector", "3").stage()).isEqualTo("Archived");
    ModelVersion staging = version("fraud-detector", "5");
    assertThat(staging.stage()).isEqualTo("Staging");
    assertThat(staging.isProduction()).isFalse();
    assertThat(staging.approvalStatus()).isEqualTo("PENDING");

    ModelVersion orphan = version("doc-summarizer", "1");
    assertThat(orphan.sourceRunId()).isNotNull();
    assertThat(run(orphan.sourceRunId())).as("its run no longer exists").isEmpty();
  }

  @Test
  void pagesVersionSearchesWithMlflowsOffsetTokens() throws Exception {
    JsonNode first = get("/api/2.0/mlflow/model-versions/search?max_results=4&order_by=name%20ASC").body();
    assertThat(first.get("model_versions")).hasSize(4);
    assertThat(first.get("next_page_token").stringValue()).isEqualTo("eyJvZmZzZXQiOiA0fQ==");

    JsonNode third = get("/api/2.0/mlflow/model-versions/search?max_results=4&order_by=name%20ASC&page_token="
        + DemoMlflowServer.token(8)).body();
    assertThat(third.get("model_versions")).extracting(v -> v.get("name").stringValue() + "/" + v.get("version").stringValue())
        .as("MLflow breaks name ties by version, descending").containsExactly("subscriber-churn/1", "ticket-triage/1");
    assertThat(third.has("next_page_token")).isFalse();
  }

  @Test
  void filtersByNameAsMlflowDoes() throws Exception {
    JsonNode fraud = get("/api/2.0/mlflow/model-versions/search?filter=" + encode("name='fraud-detector'")).body();
    assertThat(fraud.get("model_versions")).extracting(v -> v.get("version").stringValue())
        .containsExactlyInAnyOrder("3", "4", "5");
    JsonNode like = get("/api/2.0/mlflow/registered-models/search?filter=" + encode("name LIKE '%-detector'")).body();
    assertThat(like.get("registered_models")).extracting(m -> m.get("name").stringValue()).containsExactly("fraud-detector");
    assertThat(get("/api/2.0/mlflow/registered-models/search?filter=" + encode("name = 'nope'")).body().isEmpty())
        .as("an empty search is {}").isTrue();
  }

  @Test
  void unknownIdsGetMlflowsErrorBody() throws Exception {
    Response run = get("/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef");
    assertThat(run.status()).isEqualTo(404);
    assertThat(run.body().get("error_code").stringValue()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(run.body().get("message").stringValue()).isEqualTo("Run with id=0123456789abcdef0123456789abcdef not found");

    Response traversal = get("/api/2.0/mlflow/runs/get?run_id=" + encode("../model-versions"));
    assertThat(traversal.status()).isEqualTo(404);

    Response model = get("/api/2.0/mlflow/registered-models/get?name=nope");
    assertThat(model.status()).isEqualTo(404);
    assertThat(model.body().get("error_code").stringValue()).isEqualTo("RESOURCE_DOES_NOT_EXIST");

    Response bad = get("/api/2.0/mlflow/model-versions/search?page_token=%21%21");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("error_code").stringValue()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void listensOnLoopbackOnly() {
    assertThat(demo.baseUrl().getHost()).isEqualTo("127.0.0.1");
    assertThat(demo.port()).isPositive();
  }

  private record Response(int status, JsonNode body) {}

  private static Response get(String pathAndQuery) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(demo.baseUrl() + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), JsonMapper.shared().readTree(response.body()));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<ModelVersion> versions() {
    return facts.stream().filter(ModelVersion.class::isInstance).map(ModelVersion.class::cast).toList();
  }

  private static ModelVersion version(String name, String version) {
    return versions().stream().filter(v -> v.modelName().equals(name) && v.version().equals(version)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + "/" + version));
  }

  private static Optional<TrainingRun> run(String runId) {
    return facts.stream().filter(TrainingRun.class::isInstance).map(TrainingRun.class::cast)
        .filter(r -> r.runId().equals(runId)).findFirst();
  }
}
