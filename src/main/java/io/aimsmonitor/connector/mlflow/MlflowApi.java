package io.aimsmonitor.connector.mlflow;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.ApiResponse;
import io.aimsmonitor.connector.http.Paginator;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The MLflow REST API 2.0 calls the connector makes, and their responses read into the records
 * below: exactly the fields we map, named as in MLflow's protos
 * ({@code mlflow/protos/model_registry.proto}, {@code service.proto}).
 */
final class MlflowApi {

  static final String PREFIX = "/api/2.0/mlflow";
  static final String REGISTERED_MODELS_SEARCH = PREFIX + "/registered-models/search";
  static final String MODEL_VERSIONS_SEARCH = PREFIX + "/model-versions/search";
  static final String RUNS_GET = PREFIX + "/runs/get";
  /**
   * Sort both listings by name: MLflow pages by offset, and its default order (last update first)
   * moves a version that changes mid-listing, so one page would repeat it and another miss one.
   * Name, with the server's version tiebreak, does not move. OSS and Databricks both accept it.
   */
  static final String ORDER_BY = "name ASC";

  private final ApiClient api;
  private final Paginator paginator;
  private final MlflowOptions options;

  MlflowApi(ApiClient api, Paginator paginator, MlflowOptions options) {
    this.api = api;
    this.paginator = paginator;
    this.options = options;
  }

  /** {@code RegisteredModel}: what we read of it. {@code aliases} maps version to its aliases. */
  record RegisteredModel(String name, String description, Map<String, String> tags,
      Map<String, List<String>> aliases, Instant updatedAt) {}

  /**
   * {@code ModelVersion}: what we read of it, including MLflow 3 fields when the server sends them
   * ({@code modelId}, {@code deploymentRunState}, {@code modelMetrics}; null or empty otherwise).
   */
  record Version(String name, String version, Instant createdAt, Instant updatedAt, String userId,
      String currentStage, String description, String source, String runId, String status,
      Map<String, String> tags, List<String> aliases, String modelId, String deploymentRunState,
      Map<String, Double> modelMetrics) {}

  /** {@code Run} = {@code RunInfo} + {@code RunData} + {@code RunInputs}, flattened. */
  record Run(String runId, String experimentId, String runName, String userId, String status, Instant startTime,
      Instant endTime, Map<String, Double> metrics, Map<String, String> params, Map<String, String> tags,
      List<DatasetInput> datasets) {}

  /** {@code DatasetInput}: the dataset plus its {@code mlflow.data.context} input tag. */
  record DatasetInput(String name, String digest, String sourceType, String source, String context) {}

  /** All registered models the filter selects, by name. */
  Map<String, RegisteredModel> registeredModels() throws ConnectorException, InterruptedException {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("max_results", options.maxResults());
    query.put("filter", options.filter());
    query.put("order_by", ORDER_BY);
    Map<String, RegisteredModel> models = new TreeMap<>();
    paginator.byToken(REGISTERED_MODELS_SEARCH, query, "page_token", "next_page_token", page -> {
      ResponseReader read = reader(page);
      List<JsonNode> items = read.array(page.body(), "registered_models", "");
      for (int i = 0; i < items.size(); i++) {
        RegisteredModel model = registeredModel(read, items.get(i), "registered_models[" + i + "]");
        models.put(model.name(), model);
      }
      return items.size();
    });
    return models;
  }

  /**
   * Model versions, page by page: the whole registry's when {@code modelName} is null, else those
   * of that model.
   */
  void versions(String modelName, Consumer<Version> sink) throws ConnectorException, InterruptedException {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("max_results", options.maxResults());
    query.put("filter", modelName == null ? null : nameEquals(modelName));
    query.put("order_by", ORDER_BY);
    paginator.byToken(MODEL_VERSIONS_SEARCH, query, "page_token", "next_page_token", page -> {
      ResponseReader read = reader(page);
      List<JsonNode> items = read.array(page.body(), "model_versions", "");
      for (int i = 0; i < items.size(); i++) {
        sink.accept(version(read, items.get(i), "model_versions[" + i + "]"));
      }
      return items.size();
    });
  }

  /** The run, or empty when the server no longer has it ({@code RESOURCE_DOES_NOT_EXIST}). */
  Optional<Run> run(String runId) throws ConnectorException, InterruptedException {
    URI uri = api.url(RUNS_GET, Map.of("run_id", runId));
    ApiResponse response;
    try {
      response = api.get(uri);
    } catch (ConnectorException e) {
      if ("not_found".equals(e.reason())) {
        return Optional.empty();
      }
      throw e;
    }
    ResponseReader read = reader(response);
    if (!response.body().isObject()) {
      throw read.malformed("(body)", "expected a JSON object");
    }
    return Optional.of(run(read, read.requiredObject(response.body(), "run", "")));
  }

  /**
   * The search filter selecting one model by name. MLflow filters quote with ' or "; a name
   * holding a single quote is quoted with double quotes instead.
   */
  static String nameEquals(String name) {
    return name.indexOf('\'') < 0 ? "name='" + name + "'" : "name=\"" + name + "\"";
  }

  private ResponseReader reader(ApiResponse page) {
    return new ResponseReader(api.connectorId(), page.uri());
  }

  private static RegisteredModel registeredModel(ResponseReader read, JsonNode node, String path)
      throws ConnectorException {
    if (!node.isObject()) {
      throw read.malformed(path, "expected an object");
    }
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    List<JsonNode> aliasNodes = read.array(node, "aliases", path);
    for (int i = 0; i < aliasNodes.size(); i++) {
      String at = path + ".aliases[" + i + "]";
      JsonNode alias = aliasNodes.get(i);
      if (!alias.isObject()) {
        throw read.malformed(at, "expected an object with alias and version");
      }
      aliases.computeIfAbsent(read.requiredText(alias, "version", at), v -> new ArrayList<>())
          .add(read.requiredText(alias, "alias", at));
    }
    return new RegisteredModel(read.requiredText(node, "name", path), read.text(node, "description", path),
        read.keyValues(node, "tags", path), aliases, read.millis(node, "last_updated_timestamp", path));
  }

  private static Version version(ResponseReader read, JsonNode node, String path) throws ConnectorException {
    if (!node.isObject()) {
      throw read.malformed(path, "expected an object");
    }
    List<String> aliases = new ArrayList<>();
    List<JsonNode> aliasNodes = read.array(node, "aliases", path);
    for (int i = 0; i < aliasNodes.size(); i++) {
      JsonNode alias = aliasNodes.get(i);
      if (!alias.isString()) {
        throw read.malformed(path + ".aliases[" + i + "]", "expected a string");
      }
      aliases.add(alias.stringValue());
    }
    JsonNode deployment = read.object(node, "deployment_job_state", path);
    String deploymentRunState = deployment.isMissingNode() ? null
        : read.text(deployment, "run_state", path + ".deployment_job_state");
    Map<String, Double> modelMetrics = read.metrics(node, "model_metrics", path);
    return new Version(
        read.requiredText(node, "name", path),
        read.requiredText(node, "version", path),
        read.millis(node, "creation_timestamp", path),
        read.millis(node, "last_updated_timestamp", path),
        read.text(node, "user_id", path),
        read.text(node, "current_stage", path),
        read.text(node, "description", path),
        read.text(node, "source", path),
        read.text(node, "run_id", path),
        read.text(node, "status", path),
        read.keyValues(node, "tags", path),
        aliases,
        read.text(node, "model_id", path),
        deploymentRunState,
        modelMetrics);
  }

  private static Run run(ResponseReader read, JsonNode run) throws ConnectorException {
    JsonNode info = read.requiredObject(run, "info", "run");
    String runId = read.text(info, "run_id", "run.info");
    if (runId == null) {
      runId = read.requiredText(info, "run_uuid", "run.info"); // MLflow 1.x servers send only run_uuid
    }
    JsonNode data = read.object(run, "data", "run");
    Map<String, Double> metrics = data.isMissingNode() ? Map.of() : read.metrics(data, "metrics", "run.data");
    Map<String, String> params = data.isMissingNode() ? Map.of() : read.keyValues(data, "params", "run.data");
    Map<String, String> tags = data.isMissingNode() ? Map.of() : read.keyValues(data, "tags", "run.data");
    List<DatasetInput> datasets = new ArrayList<>();
    JsonNode inputs = read.object(run, "inputs", "run");
    if (!inputs.isMissingNode()) {
      for (ResponseReader.Element element : read.objects(inputs, "dataset_inputs", "run.inputs")) {
        String at = element.at();
        JsonNode input = element.node();
        JsonNode dataset = read.object(input, "dataset", at);
        if (dataset.isMissingNode()) {
          continue;
        }
        String datasetPath = at + ".dataset";
        datasets.add(new DatasetInput(read.text(dataset, "name", datasetPath),
            read.text(dataset, "digest", datasetPath), read.text(dataset, "source_type", datasetPath),
            read.text(dataset, "source", datasetPath),
            read.keyValues(input, "tags", at).get("mlflow.data.context")));
      }
    }
    return new Run(runId, read.text(info, "experiment_id", "run.info"), read.text(info, "run_name", "run.info"),
        read.text(info, "user_id", "run.info"), read.text(info, "status", "run.info"),
        read.millis(info, "start_time", "run.info"), read.millis(info, "end_time", "run.info"),
        metrics, params, tags, datasets);
  }
}
