package io.aimsmonitor.web.ui;

import java.time.Duration;
import java.time.Instant;

/** Durations and ages in words, as pages show them ("3 days", "2 hours ago"). */
public final class Durations {

  private Durations() {}

  /** {@code 14 days}, {@code 3 hours}, {@code 5 minutes}. */
  public static String words(Duration d) {
    long minutes = Math.abs(d.toMinutes());
    if (minutes >= 2 * 24 * 60) {
      return minutes / (24 * 60) + " days";
    }
    if (minutes >= 120) {
      return minutes / 60 + " hours";
    }
    return minutes + (minutes == 1 ? " minute" : " minutes");
  }

  /** {@code 2 hours ago} or {@code in 3 days}, relative to {@code now}; empty for null. */
  public static String relative(Instant at, Instant now) {
    if (at == null) {
      return "";
    }
    Duration d = Duration.between(now, at);
    if (Math.abs(d.toSeconds()) < 60) {
      return "just now";
    }
    return d.isNegative() ? words(d) + " ago" : "in " + words(d);
  }
}
