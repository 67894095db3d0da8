package io.aimsmonitor.rules;

import java.util.Locale;

/** How much a violation matters; ordered, so {@code --fail-on high} means high or critical. */
public enum Severity {
  INFO, LOW, MEDIUM, HIGH, CRITICAL;

  public static Severity parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown severity '" + text + "' (info, low, medium, high, critical)");
    }
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  /** The form used in metrics labels, JSON and the CLI. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
