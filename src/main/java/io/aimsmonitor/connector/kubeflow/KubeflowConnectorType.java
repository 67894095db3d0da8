package io.aimsmonitor.connector.kubeflow;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.ModelRegistryType;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.connector.registry.Options;
import java.net.URI;
import java.util.Set;

/**
 * {@code type: kubeflow-model-registry}: model versions from a Kubeflow Model Registry through its
 * REST API ({@code /api/model_registry/v1alpha3}). See docs/connectors.md for the mapping.
 *
 * <pre>
 * baseUrl: https://model-registry.example.com     # the REST service, without /api/...
 * auth: {type: bearer, tokenEnv: KUBEFLOW_MR_TOKEN}
 * options:
 *   pageSize: 100                                   # optional, 1..1000
 *   uiUrl: https://kubeflow.example.com/model-registry/modelregistry-public   # optional deep links
 * </pre>
 */
public final class KubeflowConnectorType extends ModelRegistryType {

  static final String NAME = "kubeflow-model-registry";

  public KubeflowConnectorType() {
    super(NAME);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    Options options = new Options(config, Set.of("pageSize", "uiUrl", Conventions.REGISTERED_BY_IS_OWNER));
    options.bool(Conventions.REGISTERED_BY_IS_OWNER, false);
    options.requireBaseUrl("https://model-registry.example.com");
    options.requireServerRoot("/api");
    options.allowAuth(Set.of("none", "bearer"));
    int pageSize = options.integer("pageSize", 100, 1, 1000);
    URI uiUrl = options.url("uiUrl");
    options.check();
    return new KubeflowConnector(config, pageSize, uiUrl);
  }
}
