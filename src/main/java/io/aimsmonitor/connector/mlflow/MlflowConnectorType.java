package io.aimsmonitor.connector.mlflow;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.util.Optional;
import java.util.Set;

/**
 * {@code type: mlflow}: registered models, their versions and the versions' source runs from an
 * MLflow tracking server (OSS) or a Databricks workspace model registry, over REST API 2.0.
 *
 * <pre>
 * id: mlflow-prod
 * type: mlflow
 * baseUrl: https://mlflow.internal.example.com
 * auth: {type: bearer, tokenEnv: MLFLOW_TRACKING_TOKEN}
 * options:
 *   filter: "name LIKE 'fraud-%'"   # optional registered-model search filter
 *   maxResults: 1000                # optional page size, 1..1000
 *   fetchRuns: true                 # optional; false skips runs/get (no TrainingRun facts)
 *   uiUrl: https://mlflow.example.com   # optional root for evidence links
 *   namespace: mlflow-prod          # optional namespace of this server's run ids (default: the id)
 *   registeredByIsOwner: false      # optional opt-in: user_id counts as owner when no owner tag
 * </pre>
 *
 * See docs/connectors.md (mlflow) and docs/facts.md (mlflow) for the mapping.
 */
public final class MlflowConnectorType implements ConnectorType {

  @Override
  public String name() {
    return "mlflow";
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    Object fetchRuns = config.options().get("fetchRuns");
    return Boolean.FALSE.equals(fetchRuns) ? Set.of(ModelVersion.class) : Set.of(ModelVersion.class, TrainingRun.class);
  }

  /** One tracking server: its runs live in the configured namespace, else the instance id's. */
  @Override
  public Optional<Set<String>> namespaces(ConnectorConfig config) {
    Object namespace = config.options().get("namespace");
    return Optional.of(Set.of(namespace instanceof String s && !s.isBlank() ? s.strip() : config.id()));
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    return new MlflowConnector(config, MlflowOptions.from(config));
  }
}
