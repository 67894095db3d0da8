package io.aimsmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.controls.ControlCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo CI history, replayed as a GitHub Actions API and read by the real github-actions
 * connector with the shipped demo configuration; then the whole demo (registry, inventory, CI)
 * evaluated with the shipped rule packs. The servers listen on ephemeral ports here.
 */
class GithubDemoServerTest {

  private static DemoGithubServer github;
  private static DemoMlflowServer mlflow;
  private static final ConnectorTypes TYPES = ConnectorTypes.discover();
  private static final CollectionRunner RUNNER = new CollectionRunner(TYPES, new Secrets(Map.of()), Clock.systemUTC());

  @BeforeAll
  static void start() {
    github = DemoGithubServer.start(0);
    mlflow = DemoMlflowServer.start(0);
  }

  @AfterAll
  static void stop() {
    github.close();
    mlflow.close();
  }

  /** A shipped connector file, pointed at {@code baseUrl} (the demo server's ephemeral port) when given. */
  private static ConnectorConfig shipped(String file, URI baseUrl) throws Exception {
    ConnectorConfig c = new ConnectorConfigLoader(TYPES, DemoServers.names()).loadFile(Path.of("connectors", file));
    return baseUrl == null ? c : c.withBaseUrl(baseUrl);
  }

  private static List<PipelineRun> runs(CollectionResult result) {
    assertThat(result.succeeded()).as(result.error()).isTrue();
    return result.facts().stream().map(PipelineRun.class::cast).toList();
  }

  @Test
  void theShippedConnectorReadsTheDemoCiHistory() throws Exception {
    List<PipelineRun> runs = runs(RUNNER.run(shipped("demo-github.yaml", github.baseUrl()), List.of(), true, () -> false));

    assertThat(runs).extracting(PipelineRun::repository).containsOnly("acme/credit-risk", "acme/fraud-detection",
        "acme/support-llm", "acme/support-router"); // not the archived acme/legacy-scoring
    assertThat(runs).hasSize(6);
    PipelineRun retraining = runs.stream().filter(r -> r.runId().equals("9876500002")).findFirst().orElseThrow();
    assertThat(retraining.isInProgress()).isTrue();
    assertThat(retraining.isSuccessful()).isFalse();
    PipelineRun trained = runs.stream().filter(r -> r.runId().equals("9876543210")).findFirst().orElseThrow();
    assertThat(trained.isSuccessful()).isTrue();
    assertThat(trained.jobs()).extracting(PipelineRun.Job::name).containsExactly("train", "evaluate");
    assertThat(trained.jobs().get(1).steps()).extracting(PipelineRun.Step::name).contains("Run Tests");
  }

  @Test
  void anIncrementalRunOfTheDemoCarriesTheHistoryOver() throws Exception {
    ConnectorConfig config = shipped("demo-github.yaml", github.baseUrl());
    CollectionResult first = RUNNER.run(config, List.of(), true, () -> false);

    CollectionResult second = RUNNER.run(config, first.facts(), false, () -> false);

    assertThat(runs(second)).extracting(PipelineRun::runId)
        .containsExactlyInAnyOrderElementsOf(runs(first).stream().map(PipelineRun::runId).toList());
  }

  @Test
  void theServerAnswersAnUnchangedPageWith304() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    URI page = URI.create(github.baseUrl() + "/repos/acme/credit-risk/actions/runs?per_page=1");
    HttpResponse<String> first = client.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
    String etag = first.headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = client.send(HttpRequest.newBuilder(page).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(first.headers().firstValue("Link").orElseThrow()).contains("page=2>; rel=\"next\"");
    assertThat(first.headers().firstValue("x-ratelimit-remaining")).isPresent();
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void theDemoFlagsAProductionVersionWithoutASuccessfulRunAndNotOneWithOne() throws Exception {
    List<Fact> facts = new ArrayList<>();
    for (var file : List.of("demo-github.yaml", "demo-mlflow.yaml", "demo-inventory.yaml")) {
      URI url = file.equals("demo-github.yaml") ? github.baseUrl() : file.equals("demo-mlflow.yaml") ? mlflow.baseUrl() : null;
      CollectionResult result = RUNNER.run(shipped(file, url), List.of(), true, () -> false);
      assertThat(result.succeeded()).as(result.error()).isTrue();
      facts.addAll(result.facts());
    }
    RuleBook rules = new RuleBook(Path.of("rules"), new RulePackLoader(ControlCatalog.bundled()), Map.of(),
        Clock.systemUTC());
    rules.reload();

    List<Violation> passedCi = new Evaluator().evaluate(rules.packs(), facts, Clock.systemUTC().instant()).stream()
        .flatMap(r -> r.violations().stream())
        .filter(v -> v.ruleId().equals("lifecycle.production-version-passed-ci")).toList();

    // fraud-detector v4 (MLflow, champion): its commit a41b7c9 has only a run still in progress
    assertThat(passedCi).anySatisfy(v -> assertThat(v.message()).contains("fraud-detector").contains("v4")
        .contains("a41b7c9d0e2f"));
    // credit-risk-scorer v12 (SageMaker, Production): commit 9f2c1e4 passed train-and-evaluate
    assertThat(facts).anySatisfy(f -> assertThat(f).isInstanceOfSatisfying(ModelVersion.class,
        m -> assertThat(m.modelName() + " " + m.version() + " " + m.isProduction()).isEqualTo("credit-risk-scorer 12 true")));
    assertThat(passedCi).noneSatisfy(v -> assertThat(v.message()).contains("credit-risk-scorer"));
  }
}
