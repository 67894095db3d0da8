package io.aimsmonitor.connector.unitycatalog;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.Paginator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Walks catalogs, their schemas and their tables, then registered models and their versions,
 * every listing paged by {@code page_token} / {@code next_page_token} (absent on the last page).
 * Unity Catalog guarantees no order within a listing, so nothing here depends on one.
 */
final class UnityCatalogConnector implements Connector {

  static final String API = "/api/2.1/unity-catalog";

  private final ConnectorConfig config;
  private final List<String> catalogs;
  private final boolean models;
  private final int pageSize;
  private final UnityCatalogMapping mapping;
  private final ApiClient.Sleeper sleeper;

  UnityCatalogConnector(ConnectorConfig config, List<String> catalogs, boolean models, int pageSize,
      UnityCatalogMapping mapping) {
    this(config, catalogs, models, pageSize, mapping, Thread::sleep);
  }

  UnityCatalogConnector(ConnectorConfig config, List<String> catalogs, boolean models, int pageSize,
      UnityCatalogMapping mapping, ApiClient.Sleeper sleeper) {
    this.config = config;
    this.catalogs = catalogs;
    this.models = models;
    this.pageSize = pageSize;
    this.mapping = mapping;
    this.sleeper = sleeper;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (ApiClient api = context.http().open().withSleeper(sleeper)) {
      Paginator paginator = new Paginator(api, context);
      List<String> catalogNames = new ArrayList<>(catalogs);
      if (catalogNames.isEmpty()) {
        list(paginator, "/catalogs", Map.of(), "catalogs", c -> addName(catalogNames, c));
      }
      for (String catalog : catalogNames) {
        List<String> schemas = new ArrayList<>();
        list(paginator, "/schemas", Map.of("catalog_name", catalog), "schemas", s -> addName(schemas, s));
        for (String schema : schemas) {
          List<JsonNode> tables = new ArrayList<>();
          list(paginator, "/tables", Map.of("catalog_name", catalog, "schema_name", schema), "tables", tables::add);
          for (JsonNode table : tables) {
            context.sink().accept(mapping.table(table, now));
          }
        }
      }
      if (!models) {
        return;
      }
      List<JsonNode> registered = new ArrayList<>();
      list(paginator, "/models", Map.of(), "registered_models", m -> {
        if (catalogs.isEmpty() || catalogs.contains(text(m, "catalog_name"))) {
          registered.add(m);
        }
      });
      for (JsonNode model : registered) {
        String fullName = text(model, "full_name");
        if (fullName == null) {
          throw new ConnectorException("malformed", "connector '" + config.id() + "': a registered model has no full_name");
        }
        List<JsonNode> versions = new ArrayList<>();
        list(paginator, "/models/" + URLEncoder.encode(fullName, StandardCharsets.UTF_8) + "/versions", Map.of(),
            "model_versions", versions::add);
        for (JsonNode version : versions) {
          context.sink().accept(mapping.modelVersion(model, version, now));
        }
      }
    }
  }

  private void list(Paginator paginator, String path, Map<String, Object> query, String field,
      Consumer<JsonNode> each) throws ConnectorException, InterruptedException {
    Map<String, Object> q = new LinkedHashMap<>(query);
    q.put("max_results", pageSize);
    paginator.byToken(API + path, q, "page_token", "next_page_token", page -> {
      JsonNode items = page.body().get(field);
      if (items == null || items.isNull()) {
        return 0; // an empty listing leaves the field out
      }
      if (!items.isArray()) {
        throw new ConnectorException("malformed", "connector '" + config.id() + "': " + ApiClient.display(page.uri())
            + ": '" + field + "' is not a list");
      }
      items.forEach(each);
      return items.size();
    });
  }

  private void addName(List<String> names, JsonNode item) {
    String name = text(item, "name");
    if (name != null) {
      names.add(name);
    }
  }
}
