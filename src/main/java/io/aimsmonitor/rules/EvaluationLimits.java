package io.aimsmonitor.rules;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The budget of one pack's evaluation: wall time, rule firings, and facts the rules insert. A
 * pack that exceeds one is stopped and fails alone (see {@link Evaluator}). The service-wide
 * defaults come from {@code aims.rules.limits.*}; a pack may set its own in pack.yaml:
 * <pre>
 * limits: {timeout: 30s, maxFirings: 500000, maxInsertedFacts: 20000}
 * </pre>
 *
 * @param timeout wall time of one evaluation of the pack over all facts
 * @param maxFirings rule firings (consequences run) in one evaluation
 * @param maxInsertedFacts facts the pack's consequences insert in one evaluation (the collected
 *     facts do not count)
 */
public record EvaluationLimits(Duration timeout, long maxFirings, long maxInsertedFacts) {

  /**
   * Sized far above what the shipped packs need on a large estate (47 rules over 100,000 facts
   * take seconds and fire a few hundred thousand times, insert nothing), and far below what
   * exhausts a 1 GB heap.
   */
  public static final EvaluationLimits DEFAULTS = new EvaluationLimits(Duration.ofSeconds(60), 2_000_000, 100_000);

  static final Set<String> KEYS = Set.of("timeout", "maxFirings", "maxInsertedFacts");

  public EvaluationLimits {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (maxFirings < 1 || maxInsertedFacts < 0) {
      throw new IllegalArgumentException("maxFirings must be at least 1 and maxInsertedFacts not negative");
    }
  }

  /**
   * Reads pack.yaml's {@code limits} mapping over {@code defaults}; problems are added as
   * {@code limits.<key>: what is wrong}.
   */
  static EvaluationLimits parse(Object spec, EvaluationLimits defaults, List<String> problems) {
    if (spec == null) {
      return defaults;
    }
    if (!(spec instanceof Map<?, ?> map)) {
      problems.add("limits: expected a mapping with " + KEYS.stream().sorted().toList());
      return defaults;
    }
    Duration timeout = defaults.timeout();
    long firings = defaults.maxFirings();
    long inserts = defaults.maxInsertedFacts();
    for (var e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      try {
        switch (key) {
          case "timeout" -> timeout = duration(value);
          case "maxFirings" -> firings = positive(value, 1);
          case "maxInsertedFacts" -> inserts = positive(value, 0);
          default -> problems.add("limits." + key + ": unknown key (expected one of " + KEYS.stream().sorted().toList() + ")");
        }
      } catch (IllegalArgumentException ex) {
        problems.add("limits." + key + ": " + ex.getMessage());
      }
    }
    return new EvaluationLimits(timeout, firings, inserts);
  }

  /** {@code 30s}, {@code 2m}, {@code 500ms} or an ISO-8601 duration such as {@code PT30S}. */
  static Duration duration(Object value) {
    String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (s.startsWith("pt") || s.startsWith("p")) {
        d = Duration.parse(s.toUpperCase(Locale.ROOT));
      } else if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        throw new IllegalArgumentException("'" + value + "' is not a duration such as 30s, 2m or 500ms");
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("must be positive, got '" + value + "'");
      }
      return d;
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration such as 30s, 2m or 500ms");
    }
  }

  private static long positive(Object value, long min) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= min) {
      return n.longValue();
    }
    throw new IllegalArgumentException("expected a whole number of at least " + min + ", got '" + value + "'");
  }
}
