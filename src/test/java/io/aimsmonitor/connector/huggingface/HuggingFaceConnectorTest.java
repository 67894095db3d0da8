package io.aimsmonitor.connector.huggingface;

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

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HuggingFaceConnectorTest {

  private static final String TOKEN = "hf_testTokenValue123456";
  private static final String LLAMA = "meta-llama/Llama-3.1-8B-Instruct";
  private static final String MISTRAL = "mistralai/Mistral-7B-Instruct-v0.3";
  private static final String MISTRAL_REV = "e0bc86c23ce5aae1db576c8cca6f06f1f73af2db";
  private static final String CURSOR = "eyJfaWQiOnsiJGd0IjoiNjY1MGExZjJjM2Q0ZTVmNjA3MTgyOTNiIn19";
  private static final String RATE_POLICY = "\"fixed window\";\"api\";q=500;w=300";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Long> sleeps = new ArrayList<>();
  private UnaryOperator<ConnectorConfig> adjust = UnaryOperator.identity();

  private Run run(String organization, List<String> models, Map<String, String> pinned, Set<String> production)
      throws Exception {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("pageSize", 2);
    ConnectorConfig config = adjust.apply(RegistryTestSupport.config("hf-test", HuggingFaceConnectorType.NAME,
        server.baseUrl(), bearer("HF_TOKEN"), options));
    HuggingFaceConnector connector = new HuggingFaceConnector(config, organization, new LinkedHashSet<>(models),
        pinned, production, 2, sleeps::add);
    return RegistryTestSupport.run(config, connector, Map.of("HF_TOKEN", TOKEN));
  }

  private void stubOrganization(ResponseDefinitionBuilder firstPage) {
    server.stubFor(get(urlPathEqualTo("/api/models")).withQueryParam("author", equalTo("acme"))
        .withQueryParam("full", equalTo("true")).withQueryParam("cardData", equalTo("true"))
        .withQueryParam("limit", equalTo("2")).withQueryParam("cursor", absent())
        .willReturn(firstPage));
    server.stubFor(get(urlPathEqualTo("/api/models")).withQueryParam("cursor", equalTo(CURSOR))
        .willReturn(okJson(resource("connector/huggingface/models-acme-page2.json"))
            .withHeader("RateLimit", "\"api\";r=497;t=279").withHeader("RateLimit-Policy", RATE_POLICY)));
  }

  private ResponseDefinitionBuilder firstPage(String rateLimit) {
    return okJson(resource("connector/huggingface/models-acme-page1.json"))
        .withHeader("Link", "<" + server.baseUrl() + "/api/models?author=acme&full=true&cardData=true&limit=2&cursor="
            + CURSOR + ">; rel=\"next\"")
        .withHeader("RateLimit", rateLimit).withHeader("RateLimit-Policy", RATE_POLICY);
  }

  private static ModelVersion model(List<Fact> facts, String id) {
    return facts.stream().map(ModelVersion.class::cast).filter(f -> f.modelName().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void readsOrganizationPagesConfiguredAndPinnedModels() throws Exception {
    stubOrganization(firstPage("\"api\";r=498;t=280"));
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).willReturn(okJson(resource(
        "connector/huggingface/model-llama.json"))));
    server.stubFor(get(urlPathEqualTo("/api/models/" + MISTRAL + "/revision/" + MISTRAL_REV))
        .willReturn(okJson(resource("connector/huggingface/model-mistral-pinned.json"))));

    Run run = run("acme", List.of(LLAMA, "acme/fraud-bert"), Map.of(MISTRAL, MISTRAL_REV),
        Set.of(LLAMA, "acme/fraud-bert"));

    assertEquals(List.of("acme/fraud-bert", "acme/triage-distil", "acme/legacy-ner", LLAMA, MISTRAL),
        run.facts().stream().map(f -> ((ModelVersion) f).modelName()).toList());
    String sha = "2c1f3e4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
    ModelVersion bert = model(run.facts(), "acme/fraud-bert");
    assertEquals("hf-test", bert.source());
    assertEquals(server.baseUrl() + "/acme/fraud-bert/tree/" + sha, bert.sourceUrl());
    assertEquals(NOW, bert.observedAt());
    assertEquals("huggingface", bert.registry());
    assertEquals("2c1f3e4", bert.version());
    assertNull(bert.stage());
    assertEquals(List.of("prod"), bert.aliases());
    assertTrue(bert.isProduction());
    assertEquals(List.of(), bert.owners());
    assertNull(bert.description());
    assertNull(bert.sourceRunId());
    assertNull(bert.sourceGitCommit());
    assertNull(bert.approvalStatus());
    assertEquals(Instant.parse("2024-05-02T08:15:30Z"), bert.createdAt());
    assertEquals(Instant.parse("2024-06-10T12:00:00Z"), bert.updatedAt());
    assertNull(bert.promotedAt());
    assertEquals(Map.of(
        "huggingface.sha", sha,
        "huggingface.gated", "false",
        "huggingface.private", "true",
        "huggingface.pipelineTag", "text-classification",
        "huggingface.libraryName", "transformers",
        "huggingface.tags", "transformers,safetensors,bert,text-classification,en,license:apache-2.0,"
            + "dataset:acme/txn-2024,base_model:google-bert/bert-base-uncased,"
            + "base_model:finetune:google-bert/bert-base-uncased,region:us"), bert.tags());
    assertEquals(new ModelCard(null, null, "f1=0.91 on acme/txn-2024-test; Accuracy=0.95 on acme/txn-2024-test",
        "acme/txn-2024", server.baseUrl() + "/acme/fraud-bert/blob/" + sha + "/README.md"), bert.card());
    assertEquals(new SupplierInfo("acme", "apache-2.0", sha, "google-bert/bert-base-uncased", List.of("acme/txn-2024"),
        false, true), bert.supplier());

    ModelVersion triage = model(run.facts(), "acme/triage-distil");
    assertEquals(new SupplierInfo("acme", "mit", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
        "distilbert/distilbert-base-uncased", List.of("acme/tickets"), true, false), triage.supplier(),
        "no front matter: licence, dataset and base model from the Hub's tags; gated 'auto'");
    assertEquals("auto", triage.tag("huggingface.gated"));
    assertNull(triage.card(), "neither front matter nor README");
    assertEquals(List.of(), triage.aliases());

    ModelVersion legacy = model(run.facts(), "acme/legacy-ner");
    assertEquals(new SupplierInfo("acme", null, "0123456789abcdef0123456789abcdef01234567", null, List.of(), false,
        false), legacy.supplier(), "author from the id's owner part; everything optional missing");
    assertNull(legacy.createdAt());
    assertNull(legacy.updatedAt());
    assertEquals(Map.of("huggingface.sha", "0123456789abcdef0123456789abcdef01234567", "huggingface.gated", "false",
        "huggingface.private", "false"), legacy.tags());

    ModelVersion llama = model(run.facts(), LLAMA);
    assertEquals("0e9e39f", llama.version());
    assertEquals(List.of("prod"), llama.aliases());
    assertEquals(new SupplierInfo("meta-llama", "llama3.1", "0e9e39f249a16976918f6564b8830bc894c89659",
        "meta-llama/Llama-3.1-8B", List.of(), true, false), llama.supplier());
    assertEquals("manual", llama.tag("huggingface.gated"));
    assertEquals(new ModelCard(null, null, null, null, server.baseUrl() + "/" + LLAMA
        + "/blob/0e9e39f249a16976918f6564b8830bc894c89659/README.md"), llama.card());

    ModelVersion mistral = model(run.facts(), MISTRAL);
    assertEquals("e0bc86c", mistral.version());
    assertEquals(MISTRAL_REV, mistral.tag("huggingface.pinnedRevision"));
    assertEquals("mistralai/Mistral-7B-v0.3", mistral.supplier().baseModel());
    assertEquals(List.of(), mistral.aliases());

    server.verify(1, getRequestedFor(urlPathEqualTo("/api/models")).withQueryParam("cursor", equalTo(CURSOR))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    server.verify(0, getRequestedFor(urlPathEqualTo("/api/models/acme/fraud-bert")));
    assertEquals(List.of(), sleeps, "no wait while the rate-limit window has room");
    assertEquals(2, run.pages());
  }

  @Test
  void emptyOrganizationGivesNoFacts() throws Exception {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(okJson("[]")));

    Run run = run("acme", List.of(), Map.of(), Set.of());

    assertEquals(List.of(), run.facts());
    server.verify(1, getRequestedFor(urlPathEqualTo("/api/models")));
  }

  @Test
  void waitsForTheWindowToResetWhenNoRequestsAreLeft() throws Exception {
    stubOrganization(firstPage("\"api\";r=0;t=2"));

    Run run = run("acme", List.of(), Map.of(), Set.of());

    assertEquals(3, run.facts().size());
    assertEquals(List.of(2_000L), sleeps, "waited the RateLimit t= seconds before the next page");
    assertEquals(List.of(Duration.ofSeconds(2)), run.rateLimitWaits());
  }

  @Test
  void anExhaustedWindowOnTheLastPageDelaysOnlyTheNextRequest() throws Exception {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(okJson(resource(
        "connector/huggingface/models-acme-page2.json")).withHeader("RateLimit", "\"api\";r=0;t=3")));
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).willReturn(okJson(resource(
        "connector/huggingface/model-llama.json"))));

    Run listingOnly = run("acme", List.of(), Map.of(), Set.of());

    assertEquals(List.of(), sleeps, "no wait after the last page when nothing follows");
    assertEquals(List.of(), listingOnly.rateLimitWaits());

    Run withModel = run("acme", List.of(LLAMA), Map.of(), Set.of());

    assertEquals(List.of(3_000L), sleeps, "the model request waits for the window the listing used up");
    assertEquals(List.of(Duration.ofSeconds(3)), withModel.rateLimitWaits());
    assertEquals(LLAMA, ((ModelVersion) withModel.facts().get(withModel.facts().size() - 1)).modelName());
  }

  @Test
  void aLinkBackToAnEarlierPageFailsInsteadOfLooping() {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(okJson("[]")
        .withHeader("Link", "<" + server.baseUrl() + "/api/models?author=acme&full=true&cardData=true&limit=2>;"
            + " rel=\"next\"")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run("acme", List.of(), Map.of(), Set.of()));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("connector 'hf-test'") && e.getMessage().contains("was already fetched"),
        e.getMessage());
    server.verify(1, getRequestedFor(urlPathEqualTo("/api/models")));
  }

  @Test
  void retriesA429AfterItsRetryAfter() throws Exception {
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).inScenario("limited")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
            .withHeader("RateLimit", "\"api\";r=0;t=1").withHeader("RateLimit-Policy", RATE_POLICY)
            .withHeader("Content-Type", "application/json")
            .withBody(resource("connector/huggingface/error-rate-limited.json")))
        .willSetStateTo("open"));
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).inScenario("limited").whenScenarioStateIs("open")
        .willReturn(okJson(resource("connector/huggingface/model-llama.json"))));

    Run run = run(null, List.of(LLAMA), Map.of(), Set.of());

    assertEquals(1, run.facts().size());
    assertEquals(List.of(1_000L), sleeps);
    assertEquals(List.of(Duration.ofSeconds(1)), run.rateLimitWaits());
    server.verify(2, getRequestedFor(urlPathEqualTo("/api/models/" + LLAMA)));
  }

  @Test
  void retriesAServerErrorThenSucceeds() throws Exception {
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"Internal Error\"}")).willSetStateTo("ok"));
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).inScenario("flaky").whenScenarioStateIs("ok")
        .willReturn(okJson(resource("connector/huggingface/model-llama.json"))));

    Run run = run(null, List.of(LLAMA), Map.of(), Set.of());

    assertEquals(LLAMA, ((ModelVersion) run.facts().get(0)).modelName());
    assertEquals(1, sleeps.size());
    assertEquals(List.of(), run.rateLimitWaits(), "a 500 is not a rate limit");
  }

  @Test
  void timeoutFailsWithReasonTimeout() {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(okJson("[]").withFixedDelay(1_000)));
    adjust = RegistryTestSupport::withShortTimeout;

    ConnectorException e = assertThrows(ConnectorException.class, () -> run("acme", List.of(), Map.of(), Set.of()));

    assertEquals("timeout", e.reason());
    assertTrue(e.getMessage().contains("connector 'hf-test'") && e.getMessage().contains("/api/models"),
        e.getMessage());
  }

  @Test
  void bodyThatIsNotJsonFailsAsMalformed() {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<!doctype html><title>Hugging Face</title>")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run("acme", List.of(), Map.of(), Set.of()));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("connector 'hf-test'"), e.getMessage());
  }

  @Test
  void objectWhereAListIsExpectedFailsAsMalformed() {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(okJson("{\"models\":[]}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run("acme", List.of(), Map.of(), Set.of()));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("did not return a list of models"), e.getMessage());
  }

  @Test
  void modelWithoutShaFailsNamingTheModel() {
    server.stubFor(get(urlPathEqualTo("/api/models/" + LLAMA)).willReturn(okJson(
        "{\"id\":\"" + LLAMA + "\",\"author\":\"meta-llama\",\"private\":false}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(null, List.of(LLAMA), Map.of(), Set.of()));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("model " + LLAMA + " has no 'sha'"), e.getMessage());
  }

  @Test
  void refusedTokenFailsAtOnceWithOneRequestAndNoSecretInTheMessage() {
    server.stubFor(get(urlPathEqualTo("/api/models")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody(resource("connector/huggingface/error-unauthorized.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run("acme", List.of(), Map.of(), Set.of()));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("connector 'hf-test'") && e.getMessage().contains("HTTP 401"), e.getMessage());
    assertTrue(e.getMessage().contains("Invalid credentials in Authorization header"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    server.verify(1, getRequestedFor(urlPathEqualTo("/api/models")));
    assertEquals(List.of(), sleeps);
  }
}
