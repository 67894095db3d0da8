package io.aimsmonitor.connector.registry;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import java.util.Set;

/** A connector type that reads a model registry: it provides {@link ModelVersion} facts and nothing else. */
public abstract class ModelRegistryType implements ConnectorType {

  private final String name;

  protected ModelRegistryType(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Set.of(ModelVersion.class);
  }
}
