package io.aimsmonitor.connector.kubeflow;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.Paginator;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Lists every model version, every registered model and each version's artifacts, and emits one
 * {@code ModelVersion} fact per version. Every run reads everything: Kubeflow does not change a
 * version's update time when an artifact changes, so an incremental read could miss changes.
 */
final class KubeflowConnector implements Connector {

  static final String API = "/api/model_registry/v1alpha3";

  private final ConnectorConfig config;
  private final int pageSize;
  private final KubeflowMapping mapping;
  private final ApiClient.Sleeper sleeper;

  KubeflowConnector(ConnectorConfig config, int pageSize, URI uiUrl) {
    this(config, pageSize, uiUrl, Thread::sleep);
  }

  /** With the sleeper used between retries, so that tests need not wait. */
  KubeflowConnector(ConnectorConfig config, int pageSize, URI uiUrl, ApiClient.Sleeper sleeper) {
    this.config = config;
    this.pageSize = pageSize;
    this.mapping = new KubeflowMapping(config.id(), config.baseUrl() + API, uiUrl,
        Boolean.TRUE.equals(config.options().get(io.aimsmonitor.connector.registry.Conventions.REGISTERED_BY_IS_OWNER)));
    this.sleeper = sleeper;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (ApiClient api = context.http().open().withSleeper(sleeper)) {
      Paginator paginator = new Paginator(api, context);
      // Versions before models: a version in the first listing belongs to a model that already
      // existed, so the second listing holds it (models are archived, never deleted).
      List<JsonNode> versions = new ArrayList<>();
      listAll(paginator, API + "/model_versions", versions::add);
      Map<String, JsonNode> models = new HashMap<>();
      listAll(paginator, API + "/registered_models", m -> models.put(text(m, "id"), m));
      for (JsonNode version : versions) {
        String modelId = text(version, "registeredModelId");
        JsonNode model = models.get(modelId);
        if (model == null) {
          if (modelId == null) {
            throw new ConnectorException("malformed", "connector '" + config.id() + "': model version "
                + text(version, "id") + " has no registeredModelId");
          }
          model = api.get(API + "/registered_models/" + modelId, Map.of());
          models.put(modelId, model);
        }
        List<JsonNode> artifacts = new ArrayList<>();
        listAll(paginator, API + "/model_versions/" + text(version, "id") + "/artifacts", artifacts::add);
        context.sink().accept(mapping.toFact(model, version, artifacts, now));
      }
    }
  }

  /**
   * Reads every page of a {@code BaseResourceList}: {@code nextPageToken} is handed back as is and
   * an empty token ends the listing. {@code items} may be null on an empty page (the Go server
   * marshals an empty list that way), but it must not be anything other than a list.
   */
  private void listAll(Paginator paginator, String path, Consumer<JsonNode> each)
      throws ConnectorException, InterruptedException {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("pageSize", pageSize);
    query.put("orderBy", "ID");
    query.put("sortOrder", "ASC");
    paginator.byToken(path, query, "nextPageToken", "nextPageToken", page -> {
      JsonNode items = page.body().get("items");
      if (items == null || items.isNull()) {
        return 0;
      }
      if (!items.isArray()) {
        throw new ConnectorException("malformed", "connector '" + config.id() + "': " + ApiClient.display(page.uri())
            + " did not return a list with 'items'");
      }
      items.forEach(each);
      return items.size();
    });
  }
}
