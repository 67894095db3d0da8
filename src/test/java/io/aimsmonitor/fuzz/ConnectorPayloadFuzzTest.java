package io.aimsmonitor.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fuzz.JsonMutations.Mutation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the connector payload parsers through the real path a response takes: a local server
 * answers a connector's requests with its recorded responses, one of them mutated (a field of the
 * wrong type, a field or element missing or added, the text truncated or spliced) or replaced by
 * arbitrary text, and {@link CollectionRunner} runs the real connector (mlflow, github-actions,
 * datahub) over it. Every try must end as a good run whose facts can be stored, or as a failed
 * run with a reason the operator can act on (typically {@code malformed}, naming the connector,
 * URL and field). A reason of {@code internal} (any other exception, or an Error) or
 * {@code timeout} (a hang) is a bug the fuzzing found.
 *
 * <p>Bounded: a fixed number of tries per property (see docs/reliability.md for the totals).
 */
class ConnectorPayloadFuzzTest {

  static final String TOKEN_ENV = "FUZZ_TOKEN";
  /** A short run budget: a try that hangs fails as {@code timeout} in seconds, not minutes. */
  static final HttpSettings HTTP = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10),
      0, 2, 50, null, null);
  static final Map<String, String> FIXTURES = new ConcurrentHashMap<>();
  static final CollectionRunner RUNNER = new CollectionRunner(ConnectorTypes.discover(),
      new Secrets(Map.of(TOKEN_ENV, "fuzz-token-not-secret")), Clock.systemUTC());

  static final String MLFLOW = "/api/2.0/mlflow";
  static final String GITHUB_RUNS = "/repos/acme/credit-risk/actions/runs";

  static PayloadServer mlflow;
  static PayloadServer github;
  static PayloadServer datahub;

  @BeforeContainer
  static void startServers() {
    mlflow = new PayloadServer(r -> switch (r.path()) {
      case MLFLOW + "/registered-models/search" -> r.query() != null && r.query().contains("page_token=eyJ")
          ? "mlflow/registered-models-page2.json" : "mlflow/registered-models-page1.json";
      case MLFLOW + "/model-versions/search" -> r.query() == null || !r.query().contains("page_token=eyJ")
          ? "mlflow/model-versions-page1.json"
          : r.query().contains("eyJvZmZzZXQiOiAyfQ") ? "mlflow/model-versions-page2.json" : "mlflow/model-versions-page3.json";
      case MLFLOW + "/runs/get" -> {
        String id = r.query() == null ? "" : r.query().replaceAll(".*run_id=([0-9a-f]+).*", "$1");
        yield exists("mlflow/runs/" + id + ".json") ? "mlflow/runs/" + id + ".json" : null;
      }
      default -> null;
    }, ConnectorPayloadFuzzTest::fixture);
    github = new PayloadServer(r -> {
      if (r.path().equals(GITHUB_RUNS)) {
        return r.query() != null && r.query().contains("page=2") ? "github/runs-page2.json" : "github/runs-page1.json";
      }
      if (r.path().equals(GITHUB_RUNS + "/30433645/jobs")) {
        return "github/jobs-30433645.json";
      }
      if (r.path().equals(GITHUB_RUNS + "/30433650")) {
        return "github/run-30433650-completed.json";
      }
      return null;
    }, ConnectorPayloadFuzzTest::fixture);
    datahub = new PayloadServer(r -> r.path().equals("/api/graphql")
        ? (r.body().contains("c2Nyb2xsOjE=") ? "datahub/scroll-page2.json" : "datahub/scroll-page1.json") : null,
        ConnectorPayloadFuzzTest::fixture);
  }

  @AfterContainer
  static void stopServers() {
    mlflow.close();
    github.close();
    datahub.close();
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return JsonMutations.mutations();
  }

  @Provide
  Arbitrary<String> mlflowResponses() {
    return Arbitraries.of("mlflow/registered-models-page1.json", "mlflow/registered-models-page2.json",
        "mlflow/model-versions-page1.json", "mlflow/model-versions-page2.json", "mlflow/model-versions-page3.json",
        "mlflow/runs/b99a0fc567ae4d32994392c800c0b6ce.json", "mlflow/runs/1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6.json");
  }

  @Provide
  Arbitrary<String> githubResponses() {
    return Arbitraries.of("github/runs-page1.json", "github/runs-page2.json", "github/jobs-30433645.json");
  }

  @Provide
  Arbitrary<String> datahubResponses() {
    return Arbitraries.of("datahub/scroll-page1.json", "datahub/scroll-page2.json");
  }

  /** Arbitrary text: mostly JSON-looking, sometimes anything at all. */
  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("{}[]\":,0123456789.-eE truefalsn\\u").ofMaxLength(200),
        JsonMutations.values().map(JsonMutations.JSON::writeValueAsString));
  }

  @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
  void mlflowMutatedResponses(@ForAll("mlflowResponses") String response, @ForAll("mutations") List<Mutation> mutations) {
    check(mlflow, "mlflow", Map.of(), response, JsonMutations.apply(tree(response), mutations));
  }

  @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
  void mlflowArbitraryResponses(@ForAll("mlflowResponses") String response, @ForAll("garbage") String body) {
    check(mlflow, "mlflow", Map.of(), response, body);
  }

  @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
  void githubActionsMutatedResponses(@ForAll("githubResponses") String response,
      @ForAll("mutations") List<Mutation> mutations) {
    check(github, "github-actions", Map.of("repositories", List.of("acme/credit-risk")), response,
        JsonMutations.apply(tree(response), mutations));
  }

  @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
  void githubActionsArbitraryResponses(@ForAll("githubResponses") String response, @ForAll("garbage") String body) {
    check(github, "github-actions", Map.of("repositories", List.of("acme/credit-risk")), response, body);
  }

  @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
  void datahubMutatedPages(@ForAll("datahubResponses") String response, @ForAll("mutations") List<Mutation> mutations) {
    check(datahub, "datahub", Map.of(), response, JsonMutations.apply(tree(response), mutations));
  }

  @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
  void datahubArbitraryPages(@ForAll("datahubResponses") String response, @ForAll("garbage") String body) {
    check(datahub, "datahub", Map.of(), response, body);
  }

  private static void check(PayloadServer server, String type, Map<String, Object> options, String response,
      String body) {
    server.fuzz(response, body);
    ConnectorConfig config = new ConnectorConfig("fuzz-" + type, type, server.baseUri(),
        new AuthConfig("bearer", new SecretRef(TOKEN_ENV, null), null, null, null), "0 0 * * * ?",
        Duration.ofHours(1), Duration.ofDays(1), true, HTTP, options, Path.of("connectors/fuzz-" + type + ".yaml"));
    CollectionResult result = RUNNER.run(config, List.of(), true, () -> false);
    if (result.succeeded()) {
      // what the store does with a good run: the facts must serialise
      assertThat(FactJson.write(result.facts())).isNotNull();
    } else {
      assertThat(result.errorReason()).as(result.error()).isNotIn("internal", "timeout");
      assertThat(result.error()).contains("fuzz-" + type);
    }
  }

  static tools.jackson.databind.JsonNode tree(String fixture) {
    return JsonMutations.JSON.readTree(fixture(fixture));
  }

  static boolean exists(String name) {
    return ConnectorPayloadFuzzTest.class.getResource("/connector/" + name) != null;
  }

  static String fixture(String name) {
    return FIXTURES.computeIfAbsent(name, n -> {
      try (InputStream in = ConnectorPayloadFuzzTest.class.getResourceAsStream("/connector/" + n)) {
        if (in == null) {
          throw new IllegalArgumentException("no fixture " + n);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
