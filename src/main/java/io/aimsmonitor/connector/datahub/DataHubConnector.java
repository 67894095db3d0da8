package io.aimsmonitor.connector.datahub;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.http.ApiClient;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Reads every dataset through {@code scrollAcrossEntities}: a search ({@code searchAcrossEntities})
 * stops at Elasticsearch's 10,000-result window, a scroll does not. One GraphQL request per page,
 * with the scroll id, page size and query as GraphQL variables (never spliced into the query text).
 * DataHub answers HTTP 200 even when a query fails, so a non-empty {@code errors} array fails the
 * run, naming the first error, its path and DataHub's error code.
 */
final class DataHubConnector implements Connector {

  static final String PATH = "/api/graphql";

  /** Everything the controls read about a dataset, in one query per page of datasets. */
  static final String SCROLL_QUERY = """
      query aimsDatasets($query: String!, $count: Int!, $scrollId: String, $keepAlive: String) {
        scrollAcrossEntities(input: {types: [DATASET], query: $query, count: $count, scrollId: $scrollId,
            keepAlive: $keepAlive}) {
          nextScrollId
          count
          total
          searchResults {
            entity {
              urn
              type
              ... on Dataset {
                name
                platform { name }
                properties { name qualifiedName description customProperties { key value } lastModified { time } }
                editableProperties { description }
                ownership {
                  owners {
                    owner { ... on CorpUser { urn username } ... on CorpGroup { urn name } }
                    type
                    ownershipType { urn info { name } }
                  }
                }
                tags { tags { tag { urn name properties { name } } } }
                glossaryTerms { terms { term { urn name properties { name } } } }
                domain { domain { urn properties { name } } }
                upstream: lineage(input: {direction: UPSTREAM, start: 0, count: 100}) {
                  total
                  relationships { type entity { urn ... on Dataset { name platform { name } } } }
                }
                assertions(start: 0, count: 100) {
                  total
                  assertions {
                    urn
                    info { type description }
                    runEvents(status: COMPLETE, limit: 1) {
                      total failed succeeded
                      runEvents { timestampMillis status result { type } }
                    }
                  }
                }
              }
            }
          }
        }
      }
      """;

  private final ConnectorConfig config;
  private final String query;
  private final int pageSize;
  private final String keepAlive;
  private final DataHubMapping mapping;
  private final ApiClient.Sleeper sleeper;

  DataHubConnector(ConnectorConfig config, String query, int pageSize, String keepAlive, URI uiUrl,
      CatalogConventions conventions) {
    this(config, query, pageSize, keepAlive, uiUrl, conventions, Thread::sleep);
  }

  DataHubConnector(ConnectorConfig config, String query, int pageSize, String keepAlive, URI uiUrl,
      CatalogConventions conventions, ApiClient.Sleeper sleeper) {
    this.config = config;
    this.query = query;
    this.pageSize = pageSize;
    this.keepAlive = keepAlive;
    this.mapping = new DataHubMapping(config.id(), uiUrl != null ? uiUrl.toString() : config.baseUrl().toString(),
        conventions);
    this.sleeper = sleeper;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (ApiClient api = context.http().open().withSleeper(sleeper)) {
      PageGuard guard = new PageGuard(context, ApiClient.display(api.url(PATH, Map.of())) + " scrollAcrossEntities");
      String scrollId = null;
      while (true) {
        guard.beforePage(scrollId);
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("query", query);
        variables.put("count", pageSize);
        variables.put("scrollId", scrollId);
        variables.put("keepAlive", keepAlive);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", SCROLL_QUERY);
        body.put("variables", variables);
        JsonNode response = api.post(PATH, body);
        JsonNode scroll = data(response).get("scrollAcrossEntities");
        if (scroll == null || !scroll.isObject()) {
          throw malformed("data.scrollAcrossEntities is missing");
        }
        JsonNode results = scroll.get("searchResults");
        if (results == null || !(results.isArray() || results.isNull())) {
          throw malformed("scrollAcrossEntities.searchResults is not a list");
        }
        int items = 0;
        if (results.isArray()) {
          for (JsonNode result : results) {
            JsonNode entity = result.get("entity");
            if (entity != null && entity.isObject()) {
              context.sink().accept(mapping.toFact(entity, now));
              items++;
            }
          }
        }
        guard.afterPage(items);
        JsonNode next = scroll.get("nextScrollId");
        if (next == null || next.isNull() || (next.isString() && next.stringValue().isEmpty())) {
          return;
        }
        if (!next.isString()) {
          throw malformed("nextScrollId is not a string");
        }
        scrollId = next.stringValue();
      }
    }
  }

  /**
   * The {@code data} of a GraphQL response, or the failure its {@code errors} name. DataHub puts its
   * status in {@code extensions.code} (400, 401, 403, 404, 500) and {@code extensions.type}.
   */
  private JsonNode data(JsonNode response) throws ConnectorException {
    if (response == null || !response.isObject()) {
      throw malformed("the response is not a GraphQL result object");
    }
    JsonNode errors = response.get("errors");
    if (errors != null && errors.isArray() && !errors.isEmpty()) {
      JsonNode first = errors.get(0);
      String message = first.path("message").asString("(no message)");
      JsonNode ext = first.path("extensions");
      int code = ext.path("code").asInt(0);
      String type = ext.path("type").asString("");
      String path = first.has("path") ? " at " + first.get("path") : "";
      String reason = code == 401 || code == 403 || type.equals("UNAUTHORIZED") ? "auth"
          : code >= 500 || type.equals("SERVER_ERROR") ? "http_5xx"
          : code == 404 ? "not_found" : code >= 400 ? "http_4xx" : "malformed";
      throw new ConnectorException(reason, "connector '" + config.id() + "': DataHub GraphQL error"
          + (errors.size() > 1 ? " (1 of " + errors.size() + ")" : "") + path + ": " + truncate(message)
          + (code != 0 || !type.isEmpty() ? " [" + (type.isEmpty() ? "" : type + " ") + (code == 0 ? "" : code) + "]"
              : ""));
    }
    JsonNode data = response.get("data");
    if (data == null || !data.isObject()) {
      throw malformed("the response has neither data nor errors");
    }
    return data;
  }

  private ConnectorException malformed(String what) {
    return new ConnectorException("malformed", "connector '" + config.id() + "': " + config.baseUrl() + PATH
        + ": " + what);
  }

  private static String truncate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }
}
