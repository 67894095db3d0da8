package io.aimsmonitor.notify;

import io.aimsmonitor.fact.FactJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sends planned deliveries, on its own threads: a poller that plans and claims, and a bounded pool
 * of senders. A replica sends a delivery only after claiming it with a conditional update (status
 * pending, no live claim), so replicas never send the same row twice; a receiver that fails is
 * retried with exponential backoff up to {@code maxAttempts}, then the delivery is marked failed.
 * A crash between the send and marking it sent is the one case of a second send (after the claim
 * expires); receivers drop duplicates by {@code X-Aims-Delivery}.
 */
public final class NotificationDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);

  /**
   * @param queueCapacity deliveries waiting for a sender; a tick claims no more than there is room for
   * @param claimTimeout how long a claim keeps other replicas off a delivery (longer than {@code timeout})
   */
  public record Settings(Duration pollInterval, int senders, int queueCapacity, Duration timeout, int maxAttempts,
      Duration initialBackoff, Duration maxBackoff, Duration claimTimeout) {}

  private final JdbcClient jdbc;
  private final NotificationPlanner planner;
  private final Map<String, Receiver> receivers = new LinkedHashMap<>();
  private final Settings settings;
  private final Clock clock;
  private final String instance;
  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService poller;
  private final CloseableHttpClient http;

  public NotificationDispatcher(JdbcClient jdbc, NotificationPlanner planner, List<Receiver> receivers, Settings settings,
      Clock clock, String instance) {
    this.jdbc = jdbc;
    this.planner = planner;
    receivers.forEach(r -> this.receivers.put(r.name(), r));
    this.settings = settings;
    this.clock = clock;
    this.instance = instance;
    this.pool = new ThreadPoolExecutor(settings.senders(), settings.senders(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.queueCapacity()), r -> daemon(r, "aims-notify-send"));
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "aims-notify-poll"));
    Timeout timeout = Timeout.of(settings.timeout());
    this.http = HttpClients.custom().disableAutomaticRetries().disableRedirectHandling()
        .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(timeout).setResponseTimeout(timeout)
            .build())
        .build();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Polls every {@code pollInterval} until closed. */
  public void start() {
    poller.scheduleWithFixedDelay(this::tick, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.warn("notifications: planning or claiming failed, retrying next poll: {}", e.getMessage());
    }
  }

  /** Plans, claims what is due and hands it to the senders; returns the sends started (tests wait on them). */
  public List<Future<?>> runOnce() {
    planner.plan();
    int room = settings.queueCapacity() - pool.getQueue().size();
    if (room <= 0) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Long> due = jdbc.sql("SELECT id FROM notification_delivery WHERE status = 'PENDING' AND next_attempt_at <= :now"
            + " AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY id FETCH FIRST " + room + " ROWS ONLY")
        .param("now", now.atOffset(ZoneOffset.UTC)).query(Long.class).list();
    List<Future<?>> started = new ArrayList<>();
    for (long id : due) {
      int claimed = jdbc.sql("UPDATE notification_delivery SET claimed_by = :me, claimed_until = :until WHERE id = :id"
              + " AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until < :now)")
          .param("me", instance).param("until", now.plus(settings.claimTimeout()).atOffset(ZoneOffset.UTC))
          .param("id", id).param("now", now.atOffset(ZoneOffset.UTC)).update();
      if (claimed == 0) {
        continue; // another replica has it
      }
      try {
        started.add(pool.submit(() -> send(id)));
      } catch (RejectedExecutionException e) {
        release(id);
      }
    }
    return started;
  }

  private void release(long id) {
    jdbc.sql("UPDATE notification_delivery SET claimed_by = NULL, claimed_until = NULL WHERE id = :id AND claimed_by = :me")
        .param("id", id).param("me", instance).update();
  }

  private void send(long id) {
    Map<String, Object> row = jdbc.sql("SELECT receiver, event_type, payload, attempts FROM notification_delivery WHERE id = :id")
        .param("id", id).query().singleRow();
    Receiver receiver = receivers.get((String) row.get("receiver"));
    int attempts = ((Number) row.get("attempts")).intValue() + 1;
    String error;
    if (receiver == null) {
      error = "receiver '" + row.get("receiver") + "' is no longer configured";
      finish(id, attempts, error, true);
      return;
    }
    int code;
    try {
      code = post(receiver, id, (String) row.get("event_type"), (String) row.get("payload"));
      error = code >= 200 && code < 300 ? null : "HTTP " + code;
    } catch (IOException | RuntimeException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    if (error == null) {
      // If this update fails the claim expires and the delivery is sent again: receivers drop it by its id.
      jdbc.sql("UPDATE notification_delivery SET status = 'SENT', attempts = :a, sent_at = :now, claimed_until = NULL,"
              + " last_error = NULL WHERE id = :id AND claimed_by = :me")
          .param("a", attempts).param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("id", id)
          .param("me", instance).update();
      return;
    }
    log.warn("notifications: delivery {} to receiver '{}' failed (attempt {} of {}): {}", id, receiver.name(), attempts,
        settings.maxAttempts(), error);
    finish(id, attempts, error, attempts >= settings.maxAttempts());
  }

  private void finish(long id, int attempts, String error, boolean giveUp) {
    long factor = 1L << Math.min(20, attempts - 1);
    Duration backoff = settings.initialBackoff().multipliedBy(factor);
    if (backoff.compareTo(settings.maxBackoff()) > 0) {
      backoff = settings.maxBackoff();
    }
    jdbc.sql("UPDATE notification_delivery SET status = :status, attempts = :a, next_attempt_at = :next,"
            + " claimed_by = NULL, claimed_until = NULL, last_error = :error WHERE id = :id AND claimed_by = :me")
        .param("status", giveUp ? "FAILED" : "PENDING").param("a", attempts)
        .param("next", clock.instant().plus(backoff).atOffset(ZoneOffset.UTC))
        .param("error", error.length() > 1000 ? error.substring(0, 1000) : error).param("id", id).param("me", instance)
        .update();
  }

  private int post(Receiver receiver, long id, String type, String payload) throws IOException {
    byte[] body;
    HttpPost post = new HttpPost(receiver.url());
    if (receiver.kind().equals(Receiver.SLACK)) {
      String summary = String.valueOf(FactJson.MAPPER.readTree(payload).path("summary").asString(""));
      body = FactJson.MAPPER.writeValueAsBytes(Map.of("text", summary));
    } else {
      body = withDeliveryId(payload, id);
      long timestamp = clock.instant().getEpochSecond();
      post.setHeader(Signature.TIMESTAMP_HEADER, String.valueOf(timestamp));
      post.setHeader(Signature.SIGNATURE_HEADER, Signature.sign(receiver.secret(), timestamp, body));
      post.setHeader(Signature.DELIVERY_HEADER, String.valueOf(id));
      post.setHeader(Signature.EVENT_HEADER, type);
    }
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    return http.execute(post, response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }

  /** The stored payload with the delivery id first, so receivers can drop a repeated delivery. */
  private static byte[] withDeliveryId(String payload, long id) {
    String json = payload.trim();
    return ("{\"id\":" + id + (json.length() > 2 ? "," + json.substring(1) : "}")).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    poller.shutdownNow();
    pool.shutdownNow();
    try {
      http.close();
    } catch (IOException e) {
      log.debug("closing the notification HTTP client: {}", e.getMessage());
    }
  }
}
