package io.aimsmonitor.lineage;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.connector.openlineage.OpenLineageConnectorType;
import io.aimsmonitor.connector.openlineage.OpenLineageSpec;
import io.aimsmonitor.store.LineageEventRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Accepts one OpenLineage event as the OpenLineage HTTP transport sends it: authenticated by the
 * API key of an {@code openlineage} source ({@code Authorization: Bearer <key>}), at most that
 * source's {@code maxEventBytes}, valid against the OpenLineage spec, and then stored in one
 * insert before the caller is answered. Accepted events ask for the source to be collected soon
 * (at most once per {@link #REFRESH_DELAY} per source), so their facts appear without waiting
 * for the schedule. Checks run in that order: a caller without a key learns nothing about sizes
 * or the spec.
 */
public final class LineageIngest implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LineageIngest.class);
  static final Duration REFRESH_DELAY = Duration.ofSeconds(1);

  /** The endpoint's answer: an HTTP status and either the stored event or what was wrong. */
  public record Outcome(int status, String title, String detail, String source, Long eventId) {
    static Outcome refused(int status, String title, String detail) {
      return new Outcome(status, title, detail, null, null);
    }

    public boolean accepted() {
      return status == 201;
    }
  }

  private final ConnectorInstances connectors;
  private final Secrets secrets;
  private final OpenLineageSpec spec;
  private final LineageEventRepository events;
  private final Clock clock;
  private final Consumer<String> refresh;
  private final ScheduledExecutorService refresher;
  private final Map<String, AtomicBoolean> refreshPending = new ConcurrentHashMap<>();

  /** @param refresh collects a source now (e.g. through the scheduler); called off the request thread */
  public LineageIngest(ConnectorInstances connectors, Secrets secrets, OpenLineageSpec spec,
      LineageEventRepository events, Clock clock, Consumer<String> refresh) {
    this.connectors = connectors;
    this.secrets = secrets;
    this.spec = spec;
    this.events = events;
    this.clock = clock;
    this.refresh = refresh;
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lineage-refresh");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @param body the request body; read only after the key was accepted, and never past the source's limit
   */
  public Outcome accept(String authorization, InputStream body) throws IOException {
    Optional<Source> source = authenticate(authorization);
    if (source.isEmpty()) {
      return Outcome.refused(401, "Unauthorized", authorization == null || authorization.isBlank()
          ? "an OpenLineage event needs the API key of an openlineage source: Authorization: Bearer <key>"
          : "the API key matches no enabled openlineage source");
    }
    Source s = source.get();
    byte[] bytes = body.readNBytes(s.settings().maxEventBytes() + 1);
    if (bytes.length > s.settings().maxEventBytes()) {
      return Outcome.refused(413, "Payload Too Large", "the event is larger than " + s.settings().maxEventBytes()
          + " bytes (options.maxEventBytes of source '" + s.config().id() + "')");
    }
    JsonNode event;
    try {
      event = ApiClient.JSON.readTree(bytes);
    } catch (JacksonException e) {
      return Outcome.refused(400, "Malformed OpenLineage event", "the body is not JSON: " + e.getOriginalMessage());
    }
    List<String> problems = spec.problems(event);
    if (!problems.isEmpty()) {
      return Outcome.refused(400, "Invalid OpenLineage event", "the " + OpenLineageSpec.kindOf(event)
          + " does not follow the OpenLineage spec: " + String.join("; ", problems));
    }
    Instant now = clock.instant();
    long id = events.append(new LineageEventRepository.Accepted(s.config().id(), now, eventTime(event),
        text(event, "eventType"), text(event.path("run"), "runId"),
        job(event), new String(bytes, StandardCharsets.UTF_8)));
    requestRefresh(s.config().id());
    return new Outcome(201, "Created", null, s.config().id(), id);
  }

  private record Source(ConnectorConfig config, OpenLineageConnectorType.Settings settings) {}

  /** The enabled openlineage source whose key this is; keys are compared in constant time. */
  private Optional<Source> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (presented.length == 0) {
      return Optional.empty();
    }
    Source match = null;
    for (ConnectorConfig config : connectors.enabled()) {
      if (!OpenLineageConnectorType.NAME.equals(config.type()) || config.auth().token() == null) {
        continue;
      }
      try {
        byte[] key = secrets.read(config.id(), config.auth().token()).getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(key, presented) && match == null) {
          match = new Source(config, OpenLineageConnectorType.settings(config));
        }
      } catch (ConnectorException e) {
        log.warn("openlineage source '{}' accepts no events: {}", config.id(), e.getMessage());
      } catch (ConfigException e) {
        log.warn("openlineage source '{}' is misconfigured: {}", config.id(), e.getMessage());
      }
    }
    return Optional.ofNullable(match);
  }

  private void requestRefresh(String connectorId) {
    AtomicBoolean pending = refreshPending.computeIfAbsent(connectorId, k -> new AtomicBoolean());
    if (pending.compareAndSet(false, true)) {
      refresher.schedule(() -> {
        pending.set(false);
        try {
          refresh.accept(connectorId);
        } catch (RuntimeException e) {
          log.warn("could not collect openlineage source '{}' after new events: {}", connectorId, e.getMessage());
        }
      }, REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static Instant eventTime(JsonNode event) {
    try {
      return OffsetDateTime.parse(event.path("eventTime").asString()).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String job(JsonNode event) {
    JsonNode job = event.get("job");
    return job == null ? null : text(job, "namespace") + "/" + text(job, "name");
  }

  private static String text(JsonNode node, String field) {
    return io.aimsmonitor.connector.registry.JsonFields.text(node, field);
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
