package io.aimsmonitor.connector.huggingface;

import io.aimsmonitor.connector.http.ApiResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hub's IETF-draft rate-limit headers on a response: {@code RateLimit: "api";r=<remaining>;t=<seconds to reset>}
 * and {@code RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window seconds>}.
 *
 * @param remaining requests left in the current window
 * @param reset time until the window resets
 * @param quota requests per window, or -1 when the policy header is absent
 */
record HubRateLimit(long remaining, Duration reset, long quota) {

  private static final Pattern R = Pattern.compile("(?:^|;)\\s*r=(\\d+)");
  private static final Pattern T = Pattern.compile("(?:^|;)\\s*t=(\\d+)");
  private static final Pattern Q = Pattern.compile("(?:^|;)\\s*q=(\\d+)");

  /** The limit the response reports, or empty when it has no (readable) {@code RateLimit} header. */
  static Optional<HubRateLimit> of(ApiResponse response) {
    Optional<String> header = response.header("ratelimit");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().toLowerCase(Locale.ROOT);
    Optional<Long> r = number(R, value);
    Optional<Long> t = number(T, value);
    if (r.isEmpty() || t.isEmpty()) {
      return Optional.empty();
    }
    long q = response.header("ratelimit-policy").flatMap(p -> number(Q, p.toLowerCase(Locale.ROOT))).orElse(-1L);
    return Optional.of(new HubRateLimit(r.get(), Duration.ofSeconds(t.get()), q));
  }

  /** True when less than a tenth of the quota (or, without a policy, fewer than 10 requests) is left. */
  boolean low() {
    return quota > 0 ? remaining * 10 < quota : remaining < 10;
  }

  private static Optional<Long> number(Pattern p, String value) {
    Matcher m = p.matcher(value);
    return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }
}
