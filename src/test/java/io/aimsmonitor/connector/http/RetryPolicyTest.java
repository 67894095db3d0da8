package io.aimsmonitor.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(60));

  @Test
  void retryAfterInSecondsIsHonoured() {
    assertThat(wait(Map.of("retry-after", "12"))).contains(Duration.ofSeconds(12));
  }

  @Test
  void retryAfterAsAnHttpDateIsTheTimeUntilThatDate() {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(20).atOffset(ZoneOffset.UTC));
    assertThat(wait(Map.of("retry-after", date))).contains(Duration.ofSeconds(20));
  }

  @Test
  void aRetryAfterDateInThePastMeansRetryNow() {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(5).atOffset(ZoneOffset.UTC));
    assertThat(wait(Map.of("retry-after", date))).contains(Duration.ZERO);
  }

  @Test
  void anUnreadableRetryAfterFallsThroughToTheNextHeader() {
    assertThat(wait(Map.of("retry-after", "soon", "ratelimit-reset", "9"))).contains(Duration.ofSeconds(9));
    assertThat(wait(Map.of("retry-after", "-3"))).isEmpty();
  }

  @Test
  void retryAfterWinsOverRateLimitResetHeaders() {
    assertThat(wait(Map.of("retry-after", "3", "x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 40),
        "ratelimit", "\"api\";r=0;t=25"))).contains(Duration.ofSeconds(3));
  }

  @Test
  void theIetfRateLimitHeaderGivesSecondsUntilReset() {
    assertThat(wait(Map.of("ratelimit", "\"api\";r=0;t=25"))).contains(Duration.ofSeconds(25));
    assertThat(wait(Map.of("ratelimit", "\"api\";r=0"))).isEmpty();
  }

  @Test
  void githubsResetEpochIsTurnedIntoAWait() {
    assertThat(wait(Map.of("x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 42))))
        .contains(Duration.ofSeconds(42));
    assertThat(wait(Map.of("x-ratelimit-reset", Long.toString(NOW.getEpochSecond() - 42)))).contains(Duration.ZERO);
  }

  @Test
  void aServerAskingForAnHourIsCappedAtTheMaximumDelay() {
    assertThat(wait(Map.of("retry-after", "3600"))).contains(Duration.ofSeconds(60));
  }

  @Test
  void noHeadersMeansNoRequestedWait() {
    assertThat(wait(Map.of())).isEmpty();
  }

  @Test
  void backoffDoublesWithFullJitterAndIsCapped() {
    for (int i = 0; i < 200; i++) {
      assertThat(policy.backoff(1).toMillis()).isBetween(250L, 500L);
      assertThat(policy.backoff(3).toMillis()).isBetween(1_000L, 2_000L);
      assertThat(policy.backoff(30).toMillis()).isBetween(30_000L, 60_000L);
    }
  }

  @Test
  void onlyRateLimitsAndServerSideFaultsAreRetryable() {
    assertThat(RetryPolicy.retryable(429)).isTrue();
    assertThat(RetryPolicy.retryable(500)).isTrue();
    assertThat(RetryPolicy.retryable(502)).isTrue();
    assertThat(RetryPolicy.retryable(503)).isTrue();
    assertThat(RetryPolicy.retryable(504)).isTrue();
    assertThat(RetryPolicy.retryable(400)).isFalse();
    assertThat(RetryPolicy.retryable(401)).isFalse();
    assertThat(RetryPolicy.retryable(403)).isFalse();
    assertThat(RetryPolicy.retryable(404)).isFalse();
    assertThat(RetryPolicy.retryable(501)).isFalse();
  }

  private Optional<Duration> wait(Map<String, String> headers) {
    Function<String, Optional<String>> lookup = name -> Optional.ofNullable(headers.get(name));
    return policy.serverRequestedWait(lookup, NOW);
  }
}
