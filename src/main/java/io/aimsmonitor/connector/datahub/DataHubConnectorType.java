package io.aimsmonitor.connector.datahub;

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
 * {@code type: datahub}: datasets from DataHub's GraphQL API on GMS ({@code POST /api/graphql}).
 * See docs/connectors.md for the mapping.
 *
 * <pre>
 * baseUrl: http://datahub-gms:8080                  # GMS, not the frontend (which wants a session cookie)
 * auth: {type: bearer, tokenEnv: DATAHUB_TOKEN}     # a personal access token
 * options:
 *   query: "*"                                      # optional search query narrowing the datasets
 *   pageSize: 500                                   # optional, 1..10000 entities per scroll page
 *   uiUrl: https://datahub.example.com              # optional: evidence links to the DataHub UI
 *   classificationPrefixes: [Classification, PII]   # optional, see CatalogConventions
 *   lineageNamespaces: {postgres: "postgres://db.example.com:5432"}   # optional, platform -> OpenLineage namespace
 * </pre>
 */
public final class DataHubConnectorType implements ConnectorType {

  static final String NAME = "datahub";

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
    Set<String> known = new HashSet<>(List.of("query", "pageSize", "uiUrl", "keepAlive"));
    known.addAll(CatalogConventions.OPTION_KEYS);
    Options options = new Options(config, known);
    options.requireBaseUrl("http://datahub-gms:8080");
    options.allowAuth(Set.of("none", "bearer"));
    String query = options.string("query", false);
    int pageSize = options.integer("pageSize", 500, 1, 10_000);
    URI uiUrl = options.url("uiUrl");
    String keepAlive = options.string("keepAlive", false);
    if (keepAlive != null && !keepAlive.matches("\\d+[smh]")) {
      options.problem("options.keepAlive", "expected an Elasticsearch duration such as 5m, got '" + keepAlive + "'");
    }
    CatalogConventions conventions = CatalogConventions.read(options);
    options.check();
    return new DataHubConnector(config, query == null ? "*" : query, pageSize, keepAlive == null ? "5m" : keepAlive,
        uiUrl, conventions);
  }
}
