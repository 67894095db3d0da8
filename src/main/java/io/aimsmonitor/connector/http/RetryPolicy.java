package io.aimsmonitor.connector.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When to retry and how long to wait: exponential backoff with full jitter, unless the server
 * says how long to wait ({@code Retry-After}, or a rate-limit reset header), which wins.
 */
public record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {

  private static final Pattern RATELIMIT_T = Pattern.compile("(?:^|;)\\s*t=(\\d+)");

  public static RetryPolicy of(int maxRetries) {
    return new RetryPolicy(maxRetries, Duration.ofMillis(500), Duration.ofSeconds(60));
  }

  /** True for statuses that a later identical request may get past. */
  public static boolean retryable(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /** Backoff for attempt {@code n} (1-based) with full jitter. */
  public Duration backoff(int attempt) {
    long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() * (1L << Math.min(attempt - 1, 20)));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }

  /**
   * The wait the server asked for, from (in order) {@code Retry-After} (seconds or HTTP date),
   * {@code RateLimit: ...;t=<seconds>} (IETF draft, Hugging Face), {@code RateLimit-Reset} (seconds),
   * or {@code x-ratelimit-reset} (epoch seconds, GitHub). Capped at {@link #maxDelay()}.
   */
  public Optional<Duration> serverRequestedWait(Function<String, Optional<String>> header, Instant now) {
    return serverRequestedWaitUncapped(header, now).map(d -> d.compareTo(maxDelay) > 0 ? maxDelay : d);
  }

  /**
   * The same wait, not capped: for callers that weigh it against a run's budget themselves. A
   * {@code RateLimit-Reset} above 10^9 is read as epoch seconds (GitLab sends the reset time there,
   * the IETF draft the seconds until it).
   */
  public Optional<Duration> serverRequestedWaitUncapped(Function<String, Optional<String>> header, Instant now) {
    return header.apply("retry-after").flatMap(v -> parseRetryAfter(v, now))
        .or(() -> header.apply("ratelimit").flatMap(RetryPolicy::parseRateLimitT))
        .or(() -> header.apply("ratelimit-reset").flatMap(v -> secondsOrEpoch(v, now)))
        .or(() -> header.apply("x-ratelimit-reset").flatMap(v -> epochSeconds(v, now)));
  }

  private static Optional<Duration> secondsOrEpoch(String value, Instant now) {
    Optional<Duration> s = seconds(value);
    return s.isPresent() && s.get().toSeconds() > 1_000_000_000L ? epochSeconds(value, now) : s;
  }

  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    Optional<Duration> secs = seconds(value);
    if (secs.isPresent()) {
      return secs;
    }
    try {
      Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Duration> parseRateLimitT(String value) {
    Matcher m = RATELIMIT_T.matcher(value.toLowerCase(Locale.ROOT));
    return m.find() ? Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1)))) : Optional.empty();
  }

  private static Optional<Duration> seconds(String value) {
    try {
      long s = Long.parseLong(value.trim());
      return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Duration> epochSeconds(String value, Instant now) {
    try {
      Instant reset = Instant.ofEpochSecond(Long.parseLong(value.trim()));
      return Optional.of(reset.isAfter(now) ? Duration.between(now, reset) : Duration.ZERO);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
