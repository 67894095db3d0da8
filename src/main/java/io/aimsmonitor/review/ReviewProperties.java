package io.aimsmonitor.review;

import io.aimsmonitor.rules.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the review workflow, {@code aims.review.*} (docs/review.md).
 *
 * @param fourEyes a waiver is in force only once a second reviewer, not its requester, approved it
 * @param minJustificationLength characters a waiver's justification needs at least
 * @param maxWaiverDuration the latest expiry a waiver may have, counted from its request
 * @param expiringSoon a waiver in force that ends within this counts as expiring soon (metrics, alert)
 * @param dueAfter default time to fix, by severity ({@code info}, {@code low}, ...), counted from
 *     when the finding was first seen; a severity without an entry gets no default due date
 * @param waiversFile optional YAML file of waivers kept in git, read by {@code serve} and {@code scan}
 * @param maxBulk most findings one bulk action may change (a broader filter is refused, not truncated)
 */
@ConfigurationProperties("aims.review")
public record ReviewProperties(
    @DefaultValue("false") boolean fourEyes,
    @DefaultValue("20") int minJustificationLength,
    @DefaultValue("180d") Duration maxWaiverDuration,
    @DefaultValue("14d") Duration expiringSoon,
    Map<String, Duration> dueAfter,
    Path waiversFile,
    @DefaultValue("1000") int maxBulk) {

  /** The due-date defaults when {@code aims.review.due-after} is not set. */
  public static final Map<String, Duration> DEFAULT_DUE_AFTER = Map.of("critical", Duration.ofDays(7),
      "high", Duration.ofDays(30), "medium", Duration.ofDays(90), "low", Duration.ofDays(180));

  public ReviewProperties {
    if (minJustificationLength < 1) {
      throw new IllegalStateException("aims.review.min-justification-length must be at least 1, got " + minJustificationLength);
    }
    if (maxWaiverDuration.isNegative() || maxWaiverDuration.isZero()) {
      throw new IllegalStateException("aims.review.max-waiver-duration must be positive, got " + maxWaiverDuration);
    }
    if (maxBulk < 1) {
      throw new IllegalStateException("aims.review.max-bulk must be at least 1, got " + maxBulk);
    }
    Map<Severity, Duration> checked = new EnumMap<>(Severity.class);
    for (Map.Entry<String, Duration> e : (dueAfter == null ? DEFAULT_DUE_AFTER : dueAfter).entrySet()) {
      Severity severity;
      try {
        severity = Severity.parse(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new IllegalStateException("aims.review.due-after." + e.getKey() + ": not a severity"
            + " (info, low, medium, high, critical)");
      }
      if (e.getValue() == null || e.getValue().isNegative() || e.getValue().isZero()) {
        throw new IllegalStateException("aims.review.due-after." + e.getKey() + " must be a positive duration");
      }
      checked.put(severity, e.getValue());
    }
    Map<String, Duration> normalized = new java.util.TreeMap<>();
    checked.forEach((s, d) -> normalized.put(s.label(), d));
    dueAfter = Map.copyOf(normalized);
  }

  /** Defaults throughout: for tests and tools that run without Spring. */
  public static ReviewProperties defaults() {
    return new ReviewProperties(false, 20, Duration.ofDays(180), Duration.ofDays(14), null, null, 1000);
  }

  public ReviewProperties withFourEyes(boolean on) {
    return new ReviewProperties(on, minJustificationLength, maxWaiverDuration, expiringSoon, dueAfter, waiversFile, maxBulk);
  }

  public ReviewProperties withWaiversFile(Path file) {
    return new ReviewProperties(fourEyes, minJustificationLength, maxWaiverDuration, expiringSoon, dueAfter, file, maxBulk);
  }

  /** The default due date of a finding of this severity first seen at {@code firstSeen}. */
  public Optional<Instant> defaultDue(Severity severity, Instant firstSeen) {
    return Optional.ofNullable(dueAfter.get(severity.label().toLowerCase(Locale.ROOT))).map(firstSeen::plus);
  }
}
