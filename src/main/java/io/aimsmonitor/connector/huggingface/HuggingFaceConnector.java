package io.aimsmonitor.connector.huggingface;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.ApiResponse;
import io.aimsmonitor.connector.http.Paginator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Reads an organization's models with {@code GET /api/models?author=...&full=true&cardData=true},
 * following {@code Link: rel="next"}, then each configured model with
 * {@code GET /api/models/{id}} (or {@code /revision/{rev}} when pinned). 429s are retried by the
 * {@link ApiClient}; in addition, when the {@code RateLimit} header says the window is used up,
 * the connector waits for its reset before the next request instead of provoking a 429.
 */
final class HuggingFaceConnector implements Connector {

  private static final Logger log = LoggerFactory.getLogger(HuggingFaceConnector.class);
  /** The Hub's windows are 5 minutes; a longer reset is not believed. */
  private static final Duration MAX_RESET_WAIT = Duration.ofMinutes(5);

  private final ConnectorConfig config;
  private final String organization;
  private final Set<String> models;
  private final Map<String, String> pinned;
  private final int pageSize;
  private final HuggingFaceMapping mapping;
  private final ApiClient.Sleeper sleeper;

  HuggingFaceConnector(ConnectorConfig config, String organization, Set<String> models, Map<String, String> pinned,
      Set<String> production, int pageSize) {
    this(config, organization, models, pinned, production, pageSize, Thread::sleep);
  }

  /** With the sleeper used for retries and rate-limit waits, so that tests can observe waits without waiting. */
  HuggingFaceConnector(ConnectorConfig config, String organization, Set<String> models, Map<String, String> pinned,
      Set<String> production, int pageSize, ApiClient.Sleeper sleeper) {
    this.config = config;
    this.organization = organization;
    this.models = Collections.unmodifiableSet(new LinkedHashSet<>(models)); // keeps the configured order
    this.pinned = Collections.unmodifiableMap(new LinkedHashMap<>(pinned));
    this.pageSize = pageSize;
    this.mapping = new HuggingFaceMapping(config.id(), config.baseUrl().toString(), Set.copyOf(production));
    this.sleeper = sleeper;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    Set<String> emitted = new HashSet<>();
    try (ApiClient api = context.http().open().withSleeper(sleeper)) {
      RateLimitPacer pacer = new RateLimitPacer(context);
      if (organization != null) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("author", organization);
        query.put("full", "true");
        query.put("cardData", "true");
        query.put("limit", pageSize);
        // the pacer waits out an exhausted window before each page, never after the last one
        Paginator paginator = new Paginator(api, context).beforeEachRequest(pacer::beforeRequest);
        paginator.byLink(api.url("/api/models", query), Map.of(), page -> {
          pacer.observe(page);
          if (!page.body().isArray()) {
            throw new ConnectorException("malformed", "connector '" + config.id() + "': "
                + ApiClient.display(page.uri()) + " did not return a list of models");
          }
          for (JsonNode model : page.body()) {
            String id = text(model, "id");
            // Pinned models are read at their pinned revision below, not at the head of the default branch.
            if (id != null && !pinned.containsKey(id) && emitted.add(id)) {
              context.sink().accept(mapping.toFact(model, null, now));
            }
          }
          return page.body().size();
        });
      }
      Set<String> single = new LinkedHashSet<>(models);
      single.addAll(pinned.keySet());
      for (String id : single) {
        if (emitted.contains(id)) {
          continue;
        }
        context.cancellation().check();
        String revision = pinned.get(id);
        String path = "/api/models/" + id
            + (revision == null ? "" : "/revision/" + URLEncoder.encode(revision, StandardCharsets.UTF_8));
        pacer.beforeRequest();
        ApiResponse response = api.get(api.url(path, Map.of()));
        pacer.observe(response);
        if (!response.body().isObject()) {
          throw new ConnectorException("malformed", "connector '" + config.id() + "': " + ApiClient.display(response.uri())
              + " did not return a model");
        }
        context.sink().accept(mapping.toFact(response.body(), revision, now));
        emitted.add(id);
        context.progress().items(1);
      }
    }
  }

  /** Waits out an exhausted rate-limit window before the next request, and logs when the budget runs low. */
  private final class RateLimitPacer {
    private final CollectContext context;
    private Duration waitBeforeNext = Duration.ZERO;
    private boolean warned;

    RateLimitPacer(CollectContext context) {
      this.context = context;
    }

    void observe(ApiResponse response) {
      HubRateLimit.of(response).ifPresent(limit -> {
        log.debug("connector '{}': Hub rate limit: {} requests left, window resets in {} s", config.id(),
            limit.remaining(), limit.reset().toSeconds());
        if (limit.low() && !warned) {
          warned = true;
          log.info("connector '{}': Hub rate limit low: {} of {} requests left, window resets in {} s", config.id(),
              limit.remaining(), limit.quota() < 0 ? "?" : limit.quota(), limit.reset().toSeconds());
        }
        waitBeforeNext = limit.remaining() > 0 ? Duration.ZERO
            : limit.reset().compareTo(MAX_RESET_WAIT) > 0 ? MAX_RESET_WAIT : limit.reset();
      });
    }

    void beforeRequest() throws InterruptedException {
      if (!waitBeforeNext.isZero()) {
        context.progress().rateLimitWait(waitBeforeNext);
        sleeper.sleep(waitBeforeNext.toMillis());
        waitBeforeNext = Duration.ZERO;
      }
      context.cancellation().check();
    }
  }
}
