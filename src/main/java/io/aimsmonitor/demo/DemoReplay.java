package io.aimsmonitor.demo;

import java.net.URI;

/**
 * A replayed demo API (the demo company's MLflow registry, CI history, data catalog, ...) listening
 * on 127.0.0.1. {@link DemoServers} starts one on an ephemeral port when an enabled connector
 * names it as {@code baseUrl: demo://<name>}, and gives that connector {@link #baseUrl()}.
 */
public interface DemoReplay extends AutoCloseable {

  /** Where the replay listens, for example {@code http://127.0.0.1:43817}: the connector's real {@code baseUrl}. */
  URI baseUrl();

  /** Stops listening; never throws. */
  @Override
  void close();
}
