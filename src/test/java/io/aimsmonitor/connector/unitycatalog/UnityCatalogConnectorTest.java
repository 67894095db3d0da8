package io.aimsmonitor.connector.unitycatalog;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import io.aimsmonitor.fact.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The unity-catalog connector against responses in the shape of Unity Catalog OSS's api/all.yaml, over real HTTP. */
class UnityCatalogConnectorTest {

  private static final String API = "/api/2.1/unity-catalog";
  private static final String TOKEN = "uc-secret-token";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Long> sleeps = new ArrayList<>();

  private Run run(boolean models) throws Exception {
    ConnectorConfig config = RegistryTestSupport.config("uc-test", UnityCatalogConnectorType.NAME, server.baseUrl(),
        bearer("UC_TOKEN"), Map.of());
    UnityCatalogMapping mapping = new UnityCatalogMapping(config.id(), null, config.baseUrl() + API,
        new CatalogConventions(CatalogConventions.DEFAULT_CLASSIFICATION_PREFIXES,
            Map.of("prod", "databricks://adb-123.azuredatabricks.net")), Set.of("prod.risk.fraud_detector/7"));
    return RegistryTestSupport.run(config, new UnityCatalogConnector(config, List.of(), models, 1, mapping, sleeps::add),
        Map.of("UC_TOKEN", TOKEN));
  }

  private void stubServer() {
    server.stubFor(get(urlPathEqualTo(API + "/catalogs")).willReturn(okJson(resource("connector/unitycatalog/catalogs.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/schemas")).withQueryParam("catalog_name", equalTo("prod"))
        .willReturn(okJson(resource("connector/unitycatalog/schemas.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/tables")).withQueryParam("page_token", absent())
        .willReturn(okJson(resource("connector/unitycatalog/tables-page1.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/tables")).withQueryParam("page_token", equalTo("MTox"))
        .willReturn(okJson(resource("connector/unitycatalog/tables-page2.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/models")).willReturn(okJson(resource("connector/unitycatalog/models.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/models/prod.risk.fraud_detector/versions"))
        .willReturn(okJson(resource("connector/unitycatalog/versions-fraud.json"))));
    server.stubFor(get(urlPathEqualTo(API + "/models/prod.risk.churn/versions"))
        .willReturn(okJson(resource("connector/unitycatalog/versions-churn.json"))));
  }

  @Test
  void walksCatalogsSchemasAndTablesByPageToken() throws Exception {
    stubServer();

    Run run = run(false);

    List<Dataset> tables = run.facts().stream().map(Dataset.class::cast).toList();
    assertEquals(2, tables.size());
    Dataset t = tables.get(0);
    assertEquals("prod.risk.transactions", t.qualifiedName());
    assertEquals("unity-catalog", t.catalog());
    assertEquals(List.of("risk-data"), t.owners());
    assertEquals(List.of("PII.Sensitive", "confidential"), t.classification());
    assertEquals(List.of("Tier1"), t.tags());
    assertEquals("Card transactions", t.description());
    assertEquals("1", t.properties().get("delta.minReaderVersion"));
    assertEquals("txn_id:bigint, amount:decimal(12,2)", t.properties().get("schema.fields"));
    assertEquals("alice@example.com", t.properties().get("unity.createdBy"));
    assertEquals(List.of("s3://acme-lake/prod/risk/transactions",
        "databricks://adb-123.azuredatabricks.net/prod.risk.transactions"), t.identifiers());
    assertEquals(Instant.ofEpochMilli(1718012345678L), t.updatedAt());

    Dataset view = tables.get(1);
    assertTrue(view.owners().isEmpty(), "created_by is who created the view, not its owner");
    assertEquals(List.of("prod.risk.transactions"), view.upstream());
    assertNull(view.description());
    server.verify(getRequestedFor(urlPathEqualTo(API + "/tables")).withQueryParam("max_results", equalTo("1"))
        .withQueryParam("schema_name", equalTo("risk")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    server.verify(0, getRequestedFor(urlPathEqualTo(API + "/models")));
  }

  @Test
  void registeredModelVersionsAreModelVersionFacts() throws Exception {
    stubServer();

    List<ModelVersion> versions = run(true).facts().stream().filter(ModelVersion.class::isInstance)
        .map(ModelVersion.class::cast).toList();

    assertEquals(2, versions.size());
    ModelVersion fraud = versions.get(0);
    assertEquals("prod.risk.fraud_detector", fraud.modelName());
    assertEquals("7", fraud.version());
    assertEquals("unity-catalog", fraud.registry());
    assertEquals(List.of("risk-ml"), fraud.owners());
    assertEquals("b99a0fc567ae4d32994392c800c0b6ce", fraud.sourceRunId());
    assertEquals("GBM v7", fraud.description());
    assertEquals(List.of("prod"), fraud.aliases());
    assertTrue(fraud.isProduction());
    assertEquals("READY", fraud.tags().get("unity.status"));
    ModelVersion churn = versions.get(1);
    assertTrue(churn.owners().isEmpty(), "the account that registered a model is not its owner");
    assertEquals("bob@example.com", churn.tags().get("unity.createdBy"));
    assertFalse(churn.isProduction());
  }

  @Test
  void unityCatalogsErrorBodyIsNamed() {
    server.stubFor(get(urlPathEqualTo(API + "/catalogs")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json").withBody(resource("connector/unitycatalog/error-not-found.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(false));

    assertEquals("not_found", e.reason());
    assertTrue(e.getMessage().contains("NOT_FOUND: Catalog not found: prod"), e.getMessage());
  }

  @Test
  void aMissingTokenIsAnAuthFailureWithoutRetries() {
    server.stubFor(get(urlPathEqualTo(API + "/catalogs")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody(resource("connector/unitycatalog/error-unauthenticated.json"))));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(false));

    assertEquals("auth", e.reason());
    assertTrue(sleeps.isEmpty());
    assertFalse(e.getMessage().contains(TOKEN));
  }

  @Test
  void aListFieldThatIsNotAListIsMalformed() {
    stubServer();
    server.stubFor(get(urlPathEqualTo(API + "/schemas")).willReturn(okJson("{\"schemas\":{\"name\":\"risk\"}}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(false));

    assertEquals("malformed", e.reason());
    assertTrue(e.getMessage().contains("'schemas' is not a list"), e.getMessage());
  }

  @Test
  void anEmptyListingLeavesTheFieldOutAndIsNoError() throws Exception {
    stubServer();
    server.stubFor(get(urlPathEqualTo(API + "/schemas")).willReturn(okJson("{}")));

    assertTrue(run(false).facts().isEmpty());
  }

  @Test
  void aTimestampThatIsNotEpochMillisIsMalformed() {
    stubServer();
    server.stubFor(get(urlPathEqualTo(API + "/tables")).withQueryParam("page_token", absent()).atPriority(1)
        .willReturn(okJson("{\"tables\":[{\"name\":\"t\",\"catalog_name\":\"prod\",\"schema_name\":\"risk\","
            + "\"updated_at\":\"2024-06-10\"}]}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(false));

    assertTrue(e.getMessage().contains("updated_at"), e.getMessage());
  }

  @Test
  void optionsAreChecked() {
    ConnectorConfig bad = RegistryTestSupport.config("uc-bad", UnityCatalogConnectorType.NAME, "http://uc:8080",
        ConnectorConfig.AuthConfig.NONE, Map.of("pageSize", 100, "production", List.of("fraud_detector")));

    ConfigException e = assertThrows(ConfigException.class, () -> new UnityCatalogConnectorType().create(bad));

    String all = String.join("\n", e.problems());
    assertTrue(all.contains("options.pageSize"), all);
    assertTrue(all.contains("catalog.schema.model/version"), all);
  }
}
