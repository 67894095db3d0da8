package io.aimsmonitor.connector.datahub;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.bearer;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.connector.registry.RegistryTestSupport.Run;
import io.aimsmonitor.fact.Dataset;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The datahub connector against recorded GraphQL responses in DataHub's documented shape, over real HTTP. */
class DataHubConnectorTest {

  private static final String TOKEN = "datahub-pat-secret-value";
  private static final String APPLICATIONS = "urn:li:dataset:(urn:li:dataPlatform:postgres,lending.applications_2025,PROD)";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Long> sleeps = new ArrayList<>();

  private ConnectorConfig config() {
    return RegistryTestSupport.config("dh-test", DataHubConnectorType.NAME, server.baseUrl(), bearer("DH_TOKEN"),
        Map.of());
  }

  private Run run() throws Exception {
    ConnectorConfig config = config();
    CatalogConventions conventions = new CatalogConventions(CatalogConventions.DEFAULT_CLASSIFICATION_PREFIXES,
        Map.of("postgres", "postgres://lake.acme.example:5432"));
    return RegistryTestSupport.run(config, new DataHubConnector(config, "*", 2, "5m",
        URI.create("https://datahub.example.com"), conventions, sleeps::add), Map.of("DH_TOKEN", TOKEN));
  }

  private void stubTwoPages() {
    server.stubFor(post(urlEqualTo("/api/graphql")).atPriority(5)
        .willReturn(okJson(resource("connector/datahub/scroll-page1.json"))));
    server.stubFor(post(urlEqualTo("/api/graphql")).atPriority(1)
        .withRequestBody(matchingJsonPath("$.variables.scrollId", equalTo("c2Nyb2xsOjE=")))
        .willReturn(okJson(resource("connector/datahub/scroll-page2.json"))));
  }

  private static Dataset dataset(Run run, String qualifiedName) {
    return run.facts().stream().map(Dataset.class::cast).filter(d -> d.qualifiedName().equals(qualifiedName))
        .findFirst().orElseThrow();
  }

  @Test
  void scrollsEveryPageWithVariablesAndMapsTheDatasetAspects() throws Exception {
    stubTwoPages();

    Run run = run();

    assertEquals(3, run.facts().size());
    assertEquals(2, run.pages());
    Dataset d = dataset(run, "lending.applications_2025");
    assertEquals("datahub", d.catalog());
    assertEquals("applications_2025", d.name());
    assertEquals(List.of("jdoe", "data-platform"), d.owners());
    assertEquals(List.of("pii", "Classification.Confidential"), d.classification());
    assertEquals(List.of("gold"), d.tags());
    assertEquals(List.of("Classification.Confidential", "Lending.LoanApplication"), d.glossaryTerms());
    assertEquals("Lending", d.domain());
    assertEquals("Retail loan applications 2021-2025, de-duplicated.", d.description(),
        "the description edited in the UI wins over the ingested one");
    assertEquals(List.of("raw.loan_applications", "bureau.reports"), d.upstream());
    assertEquals(2, d.qualityChecks().size());
    assertTrue(d.qualityChecks().get(0).passed());
    assertEquals("urn:li:assertion:a2", d.qualityChecks().get(1).name());
    assertEquals("FAILURE", d.qualityChecks().get(1).lastResult());
    assertEquals(Instant.ofEpochMilli(1763690400000L), d.qualityChecks().get(1).lastRunAt());
    assertEquals(List.of(APPLICATIONS, "acme.lending.applications_2025",
        "postgres://lake.acme.example:5432/lending.applications_2025"), d.identifiers());
    assertTrue(d.isNamed("postgres://lake.acme.example:5432/lending.applications_2025"));
    assertEquals("3650", d.properties().get("retention_days"));
    assertEquals("https://datahub.example.com/dataset/urn%3Ali%3Adataset%3A%28urn%3Ali%3AdataPlatform%3Apostgres%2C"
        + "lending.applications_2025%2CPROD%29", d.sourceUrl());
    assertEquals(Instant.ofEpochMilli(1763604000000L), d.updatedAt());

    Dataset holdout = dataset(run, "lending.applications_holdout_2026q1");
    assertTrue(holdout.owners().isEmpty());
    assertNull(holdout.description());
    assertNull(holdout.updatedAt(), "lastModified 0 is DataHub's 'never'");
    assertNull(holdout.qualityChecks().get(0).lastResult(), "an assertion that never ran has no result");
    assertFalse(holdout.qualityChecks().get(0).passed());

    Dataset tickets = dataset(run, "acme-lake/support/tickets_2026");
    assertEquals(List.of("mlee"), tickets.owners(), "an owner of ownership type NONE holds no role");

    // the scroll id travels as a variable; the query text is the same constant on every page
    server.verify(2, postRequestedFor(urlEqualTo("/api/graphql"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(matchingJsonPath("$.query", containing("scrollAcrossEntities(input: {types: [DATASET]")))
        .withRequestBody(matchingJsonPath("$.variables.count", equalTo("2"))));
    server.verify(0, postRequestedFor(urlEqualTo("/api/graphql"))
        .withRequestBody(matchingJsonPath("$.query", containing("c2Nyb2xsOjE="))));
  }

  @Test
  void aGraphQlErrorInAnHttp200FailsTheRunNamingIt() {
    server.stubFor(post(urlEqualTo("/api/graphql")).willReturn(okJson(resource("connector/datahub/error-unauthorized.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("Unauthorized to perform this action"), e.getMessage());
    assertTrue(e.getMessage().contains("[\"scrollAcrossEntities\"]"), e.getMessage());
    assertTrue(e.getMessage().contains("UNAUTHORIZED 403"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
  }

  @Test
  void aSchemaValidationErrorWithoutDataIsMalformedAndNamed() {
    server.stubFor(post(urlEqualTo("/api/graphql")).willReturn(okJson(resource("connector/datahub/error-validation.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("Field 'assertions' in type 'Dataset' is undefined"), e.getMessage());
  }

  @Test
  void aRefusedTokenFailsAtOnceWithoutRetrying() {
    server.stubFor(post(urlEqualTo("/api/graphql")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Unauthorized to perform this action.\"}")));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("from env:DH_TOKEN"), e.getMessage());
    server.verify(1, postRequestedFor(urlEqualTo("/api/graphql")));
  }

  @Test
  void aBodyThatIsNotJsonIsMalformed() {
    server.stubFor(post(urlEqualTo("/api/graphql")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<html><body>DataHub is starting</body></html>")));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void aResultWithoutTheScrollFieldIsMalformed() {
    server.stubFor(post(urlEqualTo("/api/graphql")).willReturn(okJson("{\"data\":{\"searchAcrossEntities\":{}}}")));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("scrollAcrossEntities is missing"), e.getMessage());
  }

  @Test
  void aScrollIdThatComesBackIsALoopNotAnEndlessRun() {
    server.stubFor(post(urlEqualTo("/api/graphql")).willReturn(okJson(resource("connector/datahub/scroll-page1.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, this::run);

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("already fetched"), e.getMessage());
  }

  @Test
  void aServerErrorIsRetriedAndTheRunThenSucceeds() throws Exception {
    stubTwoPages();
    server.stubFor(post(urlEqualTo("/api/graphql")).atPriority(1).inScenario("flaky")
        .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));

    Run run = run();

    assertEquals(3, run.facts().size());
    assertEquals(1, sleeps.size());
  }

  @Test
  void configurationIsCheckedWithoutContactingDataHub() {
    ConnectorConfig bad = RegistryTestSupport.config("dh-bad", DataHubConnectorType.NAME, null,
        ConnectorConfig.AuthConfig.NONE, Map.of("pageSize", 20_000, "keepAlive", "five minutes", "colour", "red"));

    ConfigException e = assertThrows(ConfigException.class, () -> new DataHubConnectorType().create(bad));

    String all = String.join("\n", e.problems());
    assertTrue(all.contains("baseUrl"), all);
    assertTrue(all.contains("options.pageSize"), all);
    assertTrue(all.contains("options.keepAlive"), all);
    assertTrue(all.contains("options.colour"), all);
  }
}
