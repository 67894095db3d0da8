package io.aimsmonitor.web.ui;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How pages print times: {@code ${fmt.time(t)}} (UTC, to the minute), {@code ${fmt.date(t)}},
 * {@code ${fmt.ago(t)}} ("3 hours ago", "in 12 days"), {@code ${fmt.iso(t)}} for a
 * {@code <time datetime>}. Null prints as an empty string. Every page has it as {@code fmt}.
 */
public final class UiFormat {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final Clock clock;

  UiFormat(Clock clock) {
    this.clock = clock;
  }

  public String time(Instant at) {
    return at == null ? "" : TIME.format(at);
  }

  public String date(Instant at) {
    return at == null ? "" : DATE.format(at);
  }

  public String iso(Instant at) {
    return at == null ? "" : at.toString();
  }

  public String ago(Instant at) {
    return Durations.relative(at, clock.instant());
  }

  /** {@code high} for an enum constant {@code HIGH}: the word pages and CSS classes use. */
  public String lower(Object value) {
    return value == null ? "" : value.toString().toLowerCase(Locale.ROOT);
  }
}
