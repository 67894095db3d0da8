package io.aimsmonitor.web.api;

import io.aimsmonitor.shadow.ShadowMode;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shadow rule packs: what each would raise now (and which of that is new against the open
 * findings), and what it would have raised over the stored history. Read-only; a shadow pack is
 * promoted by removing {@code shadow: true} from its pack.yaml (the normal reload).
 */
@RestController
@RequestMapping("/api/rules/shadow")
public class ShadowController {

  /** Violations listed per pack: the counts are always exact, the list is bounded. */
  static final int MAX_LIMIT = 1000;
  /** Violations listed per backtest day. */
  static final int MAX_DAY_LIMIT = 200;

  private final ShadowMode shadow;

  public ShadowController(ShadowMode shadow) {
    this.shadow = shadow;
  }

  public record ShadowView(List<ShadowMode.PackReport> packs) {}

  @GetMapping
  public ShadowView list(@RequestParam(defaultValue = "100") int limit) {
    return new ShadowView(shadow.reports(limit(limit, MAX_LIMIT, "limit")));
  }

  @GetMapping("/{pack}")
  public ShadowMode.PackReport pack(@PathVariable String pack, @RequestParam(defaultValue = "100") int limit) {
    return shadow.report(pack, limit(limit, MAX_LIMIT, "limit"));
  }

  /** Evaluates the pack over the snapshots in force at the end of each of the last {@code days} days. */
  @GetMapping("/{pack}/backtest")
  public ShadowMode.Backtest backtest(@PathVariable String pack, @RequestParam(defaultValue = "7") int days,
      @RequestParam(defaultValue = "20") int limit) {
    int maxDays = shadow.properties().backtestMaxDays();
    if (days < 1 || days > maxDays) {
      throw new BadParameterException("days", "must be between 1 and " + maxDays + " (aims.shadow.backtest-max-days)");
    }
    return shadow.backtest(pack, days, limit(limit, MAX_DAY_LIMIT, "limit"));
  }

  private static int limit(int value, int max, String name) {
    if (value < 0 || value > max) {
      throw new BadParameterException(name, "must be between 0 and " + max);
    }
    return value;
  }
}
