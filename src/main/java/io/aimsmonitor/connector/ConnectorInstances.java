package io.aimsmonitor.connector;

import io.aimsmonitor.fact.Fact;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The connector instances configured in the connectors folder, with their types.
 *
 * @param directory where the instance files were read from
 */
public record ConnectorInstances(Path directory, List<ConnectorConfig> configs, ConnectorTypes types) {

  public ConnectorInstances {
    configs = List.copyOf(configs);
  }

  public static ConnectorInstances load(Path directory, ConnectorTypes types) throws ConfigException {
    return load(directory, types, Set.of());
  }

  /** Loads the folder, accepting {@code baseUrl: demo://<name>} for the given demo replay names. */
  public static ConnectorInstances load(Path directory, ConnectorTypes types, Set<String> demoServers)
      throws ConfigException {
    return new ConnectorInstances(directory, new ConnectorConfigLoader(types, demoServers).load(directory), types);
  }

  /** The same instances, each passed through {@code wiring} (for example a demo replay's real address). */
  public ConnectorInstances map(UnaryOperator<ConnectorConfig> wiring) {
    return new ConnectorInstances(directory, configs.stream().map(wiring).toList(), types);
  }

  public List<ConnectorConfig> enabled() {
    return configs.stream().filter(ConnectorConfig::enabled).toList();
  }

  public Optional<ConnectorConfig> find(String id) {
    return configs.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** The fact types {@code config} may provide. */
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return types.get(config.type()).provides(config);
  }
}
