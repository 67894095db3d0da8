package io.aimsmonitor.connector.openmetadata;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.bearer;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.connector.registry.RegistryTestSupport.Run;
import io.aimsmonitor.fact.Dataset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The openmetadata connector against recorded responses in OpenMetadata's documented shapes, over real HTTP. */
class OpenMetadataConnectorTest {

  private static final String TOKEN = "om-bot-jwt-secret";
  private static final String AFTER = "ImZpbmFuY2UucHVibGljLmNoYXJnZWJhY2tzIg==";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Long> sleeps = new ArrayList<>();

  private Run run(boolean lineage) throws Exception {
    ConnectorConfig config = RegistryTestSupport.config("om-test", OpenMetadataConnectorType.NAME, server.baseUrl(),
        bearer("OM_TOKEN"), Map.of());
    OpenMetadataMapping mapping = new OpenMetadataMapping(config.id(), "https://om.example.com",
        new CatalogConventions(CatalogConventions.DEFAULT_CLASSIFICATION_PREFIXES,
            Map.of("snowflake_prod", "snowflake://acme.snowflakecomputing.com")));
    return RegistryTestSupport.run(config, new OpenMetadataConnector(config,
        new OpenMetadataConnector.Settings(null, null, 2, lineage), mapping, sleeps::add), Map.of("OM_TOKEN", TOKEN));
  }

  private void stubCatalog() {
    server.stubFor(get(urlPathEqualTo("/api/v1/tables")).withQueryParam("after", absent())
        .willReturn(okJson(resource("connector/openmetadata/tables-page1.json"))));
    server.stubFor(get(urlPathEqualTo("/api/v1/tables")).withQueryParam("after", equalTo(AFTER))
        .willReturn(okJson(resource("connector/openmetadata/tables-page2-legacy.json"))));
    server.stubFor(get(urlPathEqualTo("/api/v1/dataQuality/testCases"))
        .willReturn(okJson(resource("connector/openmetadata/testcases.json"))));
    server.stubFor(get(urlPathMatching("/api/v1/lineage/table/name/.*")).atPriority(5)
        .willReturn(okJson(resource("connector/openmetadata/lineage-empty.json"))));
    server.stubFor(get(urlPathEqualTo("/api/v1/lineage/table/name/snowflake_prod.finance.public.transactions"))
        .atPriority(1).willReturn(okJson(resource("connector/openmetadata/lineage-transactions.json"))));
  }

  private static Dataset table(Run run, String fqn) {
    return run.facts().stream().map(Dataset.class::cast).filter(d -> d.qualifiedName().equals(fqn)).findFirst()
        .orElseThrow();
  }

  @Test
  void pagesByCursorAndMapsOwnersTagsDomainsTestsAndLineage() throws Exception {
    stubCatalog();

    Run run = run(true);

    assertEquals(3, run.facts().size());
    Dataset t = table(run, "snowflake_prod.finance.public.transactions");
    assertEquals("openmetadata", t.catalog());
    assertEquals("transactions", t.name());
    assertEquals(List.of("risk-data"), t.owners(), "a deleted owner no longer answers for the table");
    assertEquals(List.of("PII.Sensitive"), t.classification());
    assertEquals(List.of("Tier.Tier1"), t.tags());
    assertEquals(List.of("Glossary.Training Data"), t.glossaryTerms());
    assertEquals("Finance", t.domain());
    assertEquals("Card transactions, PII masked", t.description());
    assertEquals(List.of("snowflake_prod.raw.public.raw_card_events"), t.upstream());
    assertEquals(2, t.qualityChecks().size());
    assertTrue(t.qualityChecks().get(0).passed());
    assertEquals("Failed", t.qualityChecks().get(1).lastResult());
    assertEquals(Instant.ofEpochMilli(1718003600000L), t.qualityChecks().get(1).lastRunAt());
    assertEquals(List.of("finance.public.transactions",
        "snowflake://acme.snowflakecomputing.com/finance.public.transactions"), t.identifiers());
    assertEquals("txn_id:BIGINT, card_holder:VARCHAR", t.properties().get("schema.fields"));
    assertEquals("https://om.example.com/table/snowflake_prod.finance.public.transactions", t.sourceUrl());

    Dataset chargebacks = table(run, "snowflake_prod.finance.public.chargebacks");
    assertTrue(chargebacks.owners().isEmpty(), "updatedBy is who changed the entry, not its owner");
    assertTrue(chargebacks.qualityChecks().isEmpty());
    assertTrue(chargebacks.upstream().isEmpty());

    server.verify(getRequestedFor(urlPathEqualTo("/api/v1/tables"))
        .withQueryParam("fields", equalTo(OpenMetadataConnector.FIELDS)).withQueryParam("limit", equalTo("2"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void readsTheOlderSingularOwnerAndDomain() throws Exception {
    stubCatalog();

    Dataset merchants = table(run(false), "snowflake_prod.finance.public.merchants");

    assertEquals(List.of("ana.lopez"), merchants.owners());
    assertEquals("Payments", merchants.domain());
    server.verify(0, getRequestedFor(urlPathMatching("/api/v1/lineage/.*")));
  }

  @Test
  void aServerThatRejectsTheNewFieldNamesIsAskedWithTheOldOnes() throws Exception {
    stubCatalog();
    server.stubFor(get(urlPathEqualTo("/api/v1/tables")).atPriority(1)
        .withQueryParam("fields", equalTo(OpenMetadataConnector.FIELDS))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody(resource("connector/openmetadata/error-invalid-field.json"))));

    Run run = run(false);

    assertEquals(3, run.facts().size());
    server.verify(getRequestedFor(urlPathEqualTo("/api/v1/tables"))
        .withQueryParam("fields", equalTo(OpenMetadataConnector.LEGACY_FIELDS)));
  }

  @Test
  void anExpiredBotTokenFailsTheRunWithOpenMetadatasMessage() {
    server.stubFor(get(urlPathEqualTo("/api/v1/tables")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody(resource("connector/openmetadata/error-unauthorized.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(true));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("Token verification failed"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    server.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/tables")));
  }

  @Test
  void aResponseWithoutTheListEnvelopeIsMalformed() {
    server.stubFor(get(urlPathEqualTo("/api/v1/tables")).willReturn(okJson("{\"tables\":[]}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(true));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("list envelope"), e.getMessage());
  }

  @Test
  void aCursorThatIsNotAStringIsMalformed() {
    server.stubFor(get(urlPathEqualTo("/api/v1/tables")).willReturn(okJson("{\"data\":[],\"paging\":{\"after\":42}}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(true));

    assertEquals("malformed", e.reason());
  }

  @Test
  void aCursorPointingBackIsStoppedAsALoop() {
    server.stubFor(get(urlPathEqualTo("/api/v1/tables"))
        .willReturn(okJson("{\"data\":[],\"paging\":{\"after\":\"c2FtZQ==\",\"total\":1}}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(true));

    assertTrue(e.getMessage().contains("already fetched"), e.getMessage());
  }

  @Test
  void entityLinksNameTheirTable() {
    assertEquals("svc.db.s.t", OpenMetadataMapping.tableOfEntityLink("<#E::table::svc.db.s.t>"));
    assertEquals("svc.db.s.t", OpenMetadataMapping.tableOfEntityLink("<#E::table::svc.db.s.t::columns::c>"));
    assertEquals(null, OpenMetadataMapping.tableOfEntityLink("<#E::dashboard::x>"));
  }
}
