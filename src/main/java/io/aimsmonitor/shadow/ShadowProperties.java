package io.aimsmonitor.shadow;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of shadow rule packs, {@code aims.shadow.*} (docs/writing-rules.md, "Shadow packs").
 * Which packs are shadow is said in each pack's pack.yaml ({@code shadow: true}), not here.
 *
 * @param maxStoredViolations violations kept per pack and evaluation (the count is always exact)
 * @param historyRetention how long the per-evaluation violation counts are kept
 * @param backtestMaxDays the most days a backtest may cover (at most {@value #BACKTEST_DAYS_CEILING})
 * @param backtestBudget the wall-clock budget of one whole backtest; each day's evaluation is also
 *     under the pack's own evaluation limits
 */
@ConfigurationProperties("aims.shadow")
public record ShadowProperties(
    @DefaultValue("1000") int maxStoredViolations,
    @DefaultValue("30d") Duration historyRetention,
    @DefaultValue("30") int backtestMaxDays,
    @DefaultValue("2m") Duration backtestBudget) {

  /** A backtest reads one snapshot set per day: a year is the most that is ever worth its cost. */
  public static final int BACKTEST_DAYS_CEILING = 366;

  public static final ShadowProperties DEFAULTS = new ShadowProperties(1000, Duration.ofDays(30), 30, Duration.ofMinutes(2));

  public ShadowProperties {
    if (maxStoredViolations < 1) {
      throw new IllegalArgumentException("aims.shadow.max-stored-violations must be at least 1, got " + maxStoredViolations);
    }
    if (backtestMaxDays < 1 || backtestMaxDays > BACKTEST_DAYS_CEILING) {
      throw new IllegalArgumentException("aims.shadow.backtest-max-days must be between 1 and " + BACKTEST_DAYS_CEILING
          + ", got " + backtestMaxDays);
    }
    if (backtestBudget.isNegative() || backtestBudget.isZero()) {
      throw new IllegalArgumentException("aims.shadow.backtest-budget must be positive, got " + backtestBudget);
    }
    if (historyRetention.isNegative()) {
      throw new IllegalArgumentException("aims.shadow.history-retention must not be negative, got " + historyRetention);
    }
  }
}
