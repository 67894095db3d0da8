package io.aimsmonitor.connector;

import io.aimsmonitor.fact.Fact;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A kind of source system (the {@code type} in connectors/*.yaml). Discovered with
 * {@link java.util.ServiceLoader}: adding a type is one package plus one line in
 * {@code META-INF/services/io.aimsmonitor.connector.ConnectorType}; nothing else changes.
 */
public interface ConnectorType {

  /** The {@code type} value that selects this connector in a configuration file. */
  String name();

  /**
   * The fact types an instance may provide. The engine uses this to decide which findings a
   * failed or stale instance leaves unverified (stale rather than resolved).
   */
  Set<Class<? extends Fact>> provides(ConnectorConfig config);

  /**
   * The namespaces (see {@link io.aimsmonitor.fact.Ref}) of the references an instance's facts can
   * be joined through, when the type can tell: an MLflow instance serves the runs of one tracking
   * server. Empty (the default) means any namespace, as for a file that may describe any system.
   * The engine uses it to keep a failed instance from holding stale the findings of versions whose
   * references point into other systems.
   */
  default Optional<Set<String>> namespaces(ConnectorConfig config) {
    return Optional.empty();
  }

  /**
   * Checks the type-specific part of {@code config} and creates the connector. Called once per
   * configuration load; must not contact the source system.
   *
   * @throws ConfigException naming the file and option at fault
   */
  Connector create(ConnectorConfig config) throws ConfigException;

  /**
   * What would make a run of {@code config} fail in this environment, found without contacting the
   * source (a missing input file, for example), one message per problem naming the file and key.
   * {@code validate} reports these; the default finds nothing.
   */
  default List<String> preflight(ConnectorConfig config) {
    return List.of();
  }
}
