package io.aimsmonitor.connector.openmetadata;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Options;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code type: openmetadata}: tables, their data quality test cases and lineage from the
 * OpenMetadata REST API ({@code /api/v1}). See docs/connectors.md for the mapping.
 *
 * <pre>
 * baseUrl: https://openmetadata.example.com        # the server, without /api/v1
 * auth: {type: bearer, tokenEnv: OPENMETADATA_BOT_TOKEN}   # a bot's JWT
 * options:
 *   database: snowflake_prod.finance               # optional: only this database (FQN) ...
 *   databaseSchema: snowflake_prod.finance.public  # ... or this schema
 *   pageSize: 100                                  # optional, 1..1000
 *   lineage: true                                  # optional: read each table's upstream (one request per table)
 *   uiUrl: https://openmetadata.example.com        # optional: evidence links (default baseUrl)
 *   classificationPrefixes: [PII, Classification]  # optional, see CatalogConventions
 *   lineageNamespaces: {snowflake_prod: "snowflake://acme.snowflakecomputing.com"}  # optional, service -> OpenLineage namespace
 * </pre>
 */
public final class OpenMetadataConnectorType implements ConnectorType {

  static final String NAME = "openmetadata";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Set.of(Dataset.class);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    Set<String> known = new HashSet<>(List.of("database", "databaseSchema", "pageSize", "lineage", "uiUrl"));
    known.addAll(CatalogConventions.OPTION_KEYS);
    Options options = new Options(config, known);
    options.requireBaseUrl("https://openmetadata.example.com");
    options.allowAuth(Set.of("none", "bearer"));
    String database = options.string("database", false);
    String schema = options.string("databaseSchema", false);
    int pageSize = options.integer("pageSize", 100, 1, 1000);
    boolean lineage = options.bool("lineage", true);
    URI uiUrl = options.url("uiUrl");
    CatalogConventions conventions = CatalogConventions.read(options);
    options.check();
    return new OpenMetadataConnector(config, new OpenMetadataConnector.Settings(database, schema, pageSize, lineage),
        new OpenMetadataMapping(config.id(), uiUrl != null ? uiUrl.toString() : config.baseUrl().toString(),
            conventions));
  }
}
