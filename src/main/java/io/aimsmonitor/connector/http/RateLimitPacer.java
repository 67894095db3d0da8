package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.ConnectorException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits out a used-up rate-limit window before the next request instead of provoking a refusal,
 * for APIs that report the window on every response as a remaining count and an epoch-seconds
 * reset ({@code x-ratelimit-remaining}/{@code x-ratelimit-reset} on GitHub,
 * {@code RateLimit-Remaining}/{@code RateLimit-Reset} on GitLab). The wait goes through
 * {@link ApiClient#waitForRateLimit}, so it is logged, counted, and refused with a clear error when
 * it would not fit the run's budget ({@link ApiClient#withRateLimitDeadline}).
 */
public final class RateLimitPacer {

  /** A reset a second late is harmless; a request a second early is refused. */
  private static final Duration SLACK = Duration.ofSeconds(1);

  private final ApiClient api;
  private final Clock clock;
  private final String remainingHeader;
  private final String resetHeader;
  private Instant waitUntil;
  private String why;

  public RateLimitPacer(ApiClient api, Clock clock, String remainingHeader, String resetHeader) {
    this.api = api;
    this.clock = clock;
    this.remainingHeader = remainingHeader;
    this.resetHeader = resetHeader;
  }

  /** Reads the window a response reports; remembers to wait when nothing is left of it. */
  public synchronized void observe(ApiResponse response) {
    Optional<Long> remaining = number(response.header(remainingHeader));
    Optional<Long> reset = number(response.header(resetHeader));
    if (remaining.isPresent() && remaining.get() <= 0 && reset.isPresent()) {
      waitUntil = Instant.ofEpochSecond(reset.get()).plus(SLACK);
      why = remainingHeader + ": 0, " + resetHeader + ": " + reset.get();
    } else if (remaining.isPresent() && remaining.get() > 0) {
      waitUntil = null;
    }
  }

  /** Call before each request: waits for the reset when the last response said the window is used up. */
  public void beforeRequest() throws ConnectorException, InterruptedException {
    Instant until;
    String reason;
    synchronized (this) {
      until = waitUntil;
      reason = why;
      waitUntil = null;
    }
    if (until != null) {
      Instant now = clock.instant();
      if (until.isAfter(now)) {
        api.waitForRateLimit(Duration.between(now, until), reason);
      }
    }
  }

  private static Optional<Long> number(Optional<String> value) {
    try {
      return value.map(v -> Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
