package io.aimsmonitor.web.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One value derived from the findings, kept while they have not changed (the store's change
 * version is the same) and for at most {@code maxAge}, then computed anew on the next read.
 *
 * <p>WHY: the overview's figures cost seconds at 100,000 findings and change only when an
 * evaluation or a reviewer changes the findings; checking the version costs two primary-key look-ups.
 * The age bound is for what moves without such a change (a rolling 24-hour window, a source going
 * stale). Two reads racing after a change may both compute; the results are equal, the last kept wins.
 */
final class KeptWhileUnchanged<T> {

  private record Kept<T>(String version, Instant computedAt, T value) {}

  private final Duration maxAge;
  private final AtomicReference<Kept<T>> kept = new AtomicReference<>();

  KeptWhileUnchanged(Duration maxAge) {
    this.maxAge = maxAge;
  }

  /** The kept value if computed at {@code version} within {@code maxAge} before {@code now}; else a new one. */
  T get(String version, Instant now, Supplier<T> compute) {
    Kept<T> k = kept.get();
    if (k != null && k.version().equals(version) && !now.isBefore(k.computedAt())
        && now.isBefore(k.computedAt().plus(maxAge))) {
      return k.value();
    }
    T value = compute.get();
    kept.set(new Kept<>(version, now, value));
    return value;
  }
}
