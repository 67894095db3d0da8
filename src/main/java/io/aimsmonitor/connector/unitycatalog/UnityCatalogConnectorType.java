package io.aimsmonitor.connector.unitycatalog;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Options;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code type: unity-catalog}: tables, registered models and model versions from the Unity
 * Catalog OSS REST API ({@code /api/2.1/unity-catalog}). See docs/connectors.md for the mapping.
 *
 * <pre>
 * baseUrl: http://unity-catalog:8080             # the server, without /api/2.1/unity-catalog
 * auth: {type: bearer, tokenEnv: UC_TOKEN}       # when the server has authorization enabled
 * options:
 *   catalogs: [prod]                            # optional: only these catalogs (default: all)
 *   models: true                                # optional: also registered models and versions (ModelVersion facts)
 *   production: [prod.risk.fraud_detector/7]    # optional: model versions serving production
 *   pageSize: 50                                # optional, 1..50 (the server's maximum)
 *   uiUrl: https://unity.example.com            # optional: evidence links (default: the API URL)
 *   classificationPrefixes: [PII, Classification]
 *   lineageNamespaces: {prod: "databricks://adb-123.azuredatabricks.net"}   # optional, catalog -> OpenLineage namespace
 * </pre>
 */
public final class UnityCatalogConnectorType implements ConnectorType {

  static final String NAME = "unity-catalog";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Boolean.FALSE.equals(config.options().get("models")) ? Set.of(Dataset.class)
        : Set.of(Dataset.class, ModelVersion.class);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    Set<String> known = new HashSet<>(List.of("catalogs", "models", "production", "pageSize", "uiUrl"));
    known.addAll(CatalogConventions.OPTION_KEYS);
    Options options = new Options(config, known);
    options.requireBaseUrl("http://unity-catalog:8080");
    options.allowAuth(Set.of("none", "bearer"));
    List<String> catalogs = options.stringList("catalogs");
    boolean models = options.bool("models", true);
    Set<String> production = new HashSet<>(options.stringList("production"));
    for (String p : production) {
      if (!p.matches("[^/]+\\.[^/]+\\.[^/]+/\\d+")) {
        options.problem("options.production", "'" + p + "' is not catalog.schema.model/version");
      }
    }
    int pageSize = options.integer("pageSize", 50, 1, 50);
    URI uiUrl = options.url("uiUrl");
    CatalogConventions conventions = CatalogConventions.read(options);
    options.check();
    return new UnityCatalogConnector(config, catalogs, models, pageSize,
        new UnityCatalogMapping(config.id(), uiUrl, config.baseUrl() + UnityCatalogConnector.API, conventions,
            production));
  }
}
