package io.aimsmonitor.connector.openlineage;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PushedEvents;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.fact.Fact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns the events pushed to this source (stored by the endpoint, read through
 * {@link CollectContext#pushed()}) into facts. A source that has received nothing for longer than
 * {@code staleAfter} fails its run with reason {@code stale}: its last good snapshot stays in
 * force and the rules reading its facts go stale, so silence never resolves a finding.
 */
final class OpenLineageConnector implements Connector {

  private final ConnectorConfig config;
  private final OpenLineageConnectorType.Settings settings;
  private final OpenLineageMapping mapping;

  OpenLineageConnector(ConnectorConfig config, OpenLineageConnectorType.Settings settings) {
    this.config = config;
    this.settings = settings;
    this.mapping = new OpenLineageMapping(config.id(), settings.trainingJobs(), settings.conventions());
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    PushedEvents pushed = context.pushed();
    Optional<Instant> last = pushed.lastReceived(config.id());
    if (last.isEmpty()) {
      throw new ConnectorException("stale", "connector '" + config.id() + "': no OpenLineage event received yet;"
          + " producers send them to POST /api/v1/lineage with this source's API key");
    }
    if (last.get().plus(settings.staleAfter()).isBefore(now)) {
      throw new ConnectorException("stale", "connector '" + config.id() + "': no OpenLineage event since "
          + last.get() + " (options.staleAfter " + settings.staleAfter() + ")");
    }
    List<JsonNode> events = new ArrayList<>();
    for (PushedEvents.Event e : pushed.since(config.id(), now.minus(settings.window()))) {
      context.cancellation().check();
      try {
        events.add(ApiClient.JSON.readTree(e.body()));
      } catch (JacksonException ex) {
        // the endpoint stores only events it parsed and validated; this is damage to the table
        throw new ConnectorException("malformed", "connector '" + config.id() + "': stored event " + e.id()
            + " is not JSON: " + ex.getOriginalMessage());
      }
    }
    context.progress().page("stored OpenLineage events");
    context.progress().items(events.size());
    for (Fact fact : mapping.facts(events, now)) {
      context.sink().accept(fact);
    }
  }
}
