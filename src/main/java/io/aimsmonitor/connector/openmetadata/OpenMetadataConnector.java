package io.aimsmonitor.connector.openmetadata;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import io.aimsmonitor.connector.http.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Lists every table ({@code GET /api/v1/tables}) and every data quality test case with its latest
 * result ({@code GET /api/v1/dataQuality/testCases}), both by {@code paging.after} cursor, then
 * each table's upstream lineage ({@code GET /api/v1/lineage/table/name/{fqn}}), and emits one
 * {@code Dataset} per table.
 *
 * <p>OpenMetadata renamed the single {@code owner} and {@code domain} fields to the lists
 * {@code owners} and {@code domains} (1.4/1.5). Responses are read in either shape. The request
 * asks for the new names; a server that rejects them as unknown fields (400) is asked again, for
 * the rest of the run, with the old names.
 */
final class OpenMetadataConnector implements Connector {

  static final String API = "/api/v1";
  static final String FIELDS = "owners,tags,domains,columns";
  static final String LEGACY_FIELDS = "owner,tags,domain,columns";

  record Settings(String database, String databaseSchema, int pageSize, boolean lineage) {}

  private final ConnectorConfig config;
  private final Settings settings;
  private final OpenMetadataMapping mapping;
  private final ApiClient.Sleeper sleeper;

  OpenMetadataConnector(ConnectorConfig config, Settings settings, OpenMetadataMapping mapping) {
    this(config, settings, mapping, Thread::sleep);
  }

  OpenMetadataConnector(ConnectorConfig config, Settings settings, OpenMetadataMapping mapping,
      ApiClient.Sleeper sleeper) {
    this.config = config;
    this.settings = settings;
    this.mapping = mapping;
    this.sleeper = sleeper;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (ApiClient api = context.http().open().withSleeper(sleeper)) {
      List<JsonNode> tables = new ArrayList<>();
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("fields", FIELDS);
      query.put("database", settings.database());
      query.put("databaseSchema", settings.databaseSchema());
      query.put("include", "non-deleted");
      try {
        listAll(api, context, "/tables", query, tables::add);
      } catch (ConnectorException e) {
        if (!e.reason().equals("http_4xx") || !e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("field")) {
          throw e;
        }
        // an OpenMetadata server from before the owners/domains rename
        tables.clear();
        query.put("fields", LEGACY_FIELDS);
        listAll(api, context, "/tables", query, tables::add);
      }

      Map<String, List<JsonNode>> testsByTable = new HashMap<>();
      Map<String, Object> testQuery = new LinkedHashMap<>();
      testQuery.put("fields", "testCaseResult,testDefinition");
      testQuery.put("include", "non-deleted");
      listAll(api, context, "/dataQuality/testCases", testQuery, tc -> {
        String table = OpenMetadataMapping.tableOfEntityLink(text(tc, "entityLink"));
        if (table != null) {
          testsByTable.computeIfAbsent(table, k -> new ArrayList<>()).add(tc);
        }
      });

      for (JsonNode table : tables) {
        String fqn = text(table, "fullyQualifiedName");
        JsonNode lineage = null;
        if (settings.lineage() && fqn != null) {
          context.cancellation().check();
          lineage = api.get(API + "/lineage/table/name/" + segment(fqn),
              Map.of("upstreamDepth", 1, "downstreamDepth", 0));
        }
        context.sink().accept(mapping.toFact(table, testsByTable.getOrDefault(fqn, List.of()), lineage, now));
      }
    }
  }

  /** Pages {@code GET /api/v1<path>} by {@code paging.after} until a page has none. */
  private void listAll(ApiClient api, CollectContext context, String path, Map<String, Object> query,
      Consumer<JsonNode> each) throws ConnectorException, InterruptedException {
    PageGuard guard = new PageGuard(context, ApiClient.display(api.url(API + path, query)));
    String after = null;
    while (true) {
      guard.beforePage(after);
      Map<String, Object> q = new LinkedHashMap<>(query);
      q.put("limit", settings.pageSize());
      q.put("after", after);
      JsonNode page = api.get(API + path, q);
      JsonNode data = page.get("data");
      if (!page.isObject() || data == null || !data.isArray()) {
        throw new ConnectorException("malformed", "connector '" + config.id() + "': " + ApiClient.display(api.url(
            API + path, q)) + " did not return a list envelope {data: [...], paging: {...}}");
      }
      data.forEach(each);
      guard.afterPage(data.size());
      JsonNode next = page.path("paging").get("after");
      if (next == null || next.isNull() || (next.isString() && next.stringValue().isEmpty())) {
        return;
      }
      if (!next.isString()) {
        throw new ConnectorException("malformed", "connector '" + config.id() + "': paging.after of " + path
            + " is not a string cursor");
      }
      after = next.stringValue();
    }
  }

  /** An FQN as one path segment: quoted names may hold '/', which must not split the path. */
  private static String segment(String fqn) {
    return URLEncoder.encode(fqn, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
