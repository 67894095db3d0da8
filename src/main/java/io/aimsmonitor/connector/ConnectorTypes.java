package io.aimsmonitor.connector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connector types on the class path, found with {@link ServiceLoader}. */
public final class ConnectorTypes {

  private final Map<String, ConnectorType> byName;

  public ConnectorTypes(List<ConnectorType> types) {
    Map<String, ConnectorType> map = new TreeMap<>();
    for (ConnectorType type : types) {
      ConnectorType clash = map.putIfAbsent(type.name(), type);
      if (clash != null) {
        throw new IllegalStateException("two connector types are named '" + type.name() + "': "
            + clash.getClass().getName() + " and " + type.getClass().getName());
      }
    }
    this.byName = Map.copyOf(map);
  }

  /** All types registered in {@code META-INF/services/io.aimsmonitor.connector.ConnectorType}. */
  public static ConnectorTypes discover() {
    return new ConnectorTypes(ServiceLoader.load(ConnectorType.class).stream().map(ServiceLoader.Provider::get).toList());
  }

  public Optional<ConnectorType> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public ConnectorType get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown connector type " + name));
  }

  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }
}
