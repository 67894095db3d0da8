package io.aimsmonitor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code aims.*} (environment: {@code AIMS_*}). Every key is listed, with its
 * default, in the README's configuration reference.
 *
 * @param connectorsDir folder of connector instance files; unset: {@code ./connectors} if it exists, else
 *     the bundled demo. A folder set explicitly must exist: a typo never silently becomes the demo
 * @param rulesDir folder of rule packs; unset: {@code ./rules} if it exists, else the bundled packs
 * @param dataDir where the embedded H2 database (and extracted bundled files) live
 */
@ConfigurationProperties("aims")
public record AimsProperties(
    Path connectorsDir,
    Path rulesDir,
    @DefaultValue("./data") Path dataDir,
    @DefaultValue Scheduler scheduler,
    @DefaultValue Rules rules,
    @DefaultValue Retention retention) {

  /**
   * @param enabled whether collection and evaluation run on their schedules ({@code scan} turns it off)
   * @param collectOnStart run every instance with no fresh snapshot right after start
   * @param evaluationDebounce wait this long after a collection before evaluating, so several
   *     connectors finishing together cause one evaluation
   * @param maxConcurrentCollections collections running at once on one replica; the scheduler's
   *     thread pool ({@code spring.quartz.properties.org.quartz.threadPool.threadCount}) must be
   *     larger, so that evaluation and housekeeping always find a thread
   * @param maxCollectionsPerSource collections running at once against one host (or of one type
   *     without a base URL), so that one slow source cannot take every slot
   * @param runNowMinInterval run-now requests for one instance are refused (429) more often than this
   */
  public record Scheduler(@DefaultValue("true") boolean enabled, @DefaultValue("true") boolean collectOnStart,
      @DefaultValue("5s") Duration evaluationDebounce, @DefaultValue("0 0 * * * ?") String evaluationSchedule,
      @DefaultValue("4") int maxConcurrentCollections, @DefaultValue("2") int maxCollectionsPerSource,
      @DefaultValue("30s") Duration runNowMinInterval) {}

  /**
   * @param reloadInterval how often the rules folder is checked for changes (polling works with
   *     Kubernetes ConfigMap updates, which file watching misses)
   * @param parameters overrides of pack parameters: {@code aims.rules.parameters.<pack>.<name>}
   * @param limits the evaluation budget of packs whose pack.yaml sets no {@code limits}
   * @param incremental scheduled evaluations keep one session per pack and give it only the facts that
   *     changed; false: every evaluation starts every pack afresh over all facts (docs/rules.md)
   * @param timeStep in incremental evaluation, rules see {@code now} truncated to this step, and packs
   *     that read {@code now} are decided afresh once per step
   * @param cacheDir where compiled rule packs are kept between starts (unset: ~/.cache/aims-monitor/compiled-packs,
   *     or under $XDG_CACHE_HOME; empty: no cache, every start compiles): see {@link io.aimsmonitor.rules.CompiledPackCache}
   */
  public record Rules(@DefaultValue("10s") Duration reloadInterval, Map<String, Map<String, Object>> parameters,
      @DefaultValue Limits limits, @DefaultValue("true") boolean incremental, @DefaultValue("1h") Duration timeStep,
      String cacheDir) {
    public Rules {
      parameters = parameters == null ? Map.of() : parameters;
      timeStep = timeStep == null ? Duration.ofHours(1) : timeStep;
    }

    public io.aimsmonitor.rules.Evaluator.Incremental toIncremental() {
      try {
        return new io.aimsmonitor.rules.Evaluator.Incremental(incremental, timeStep);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  /**
   * Default evaluation budget per rule pack (see {@link io.aimsmonitor.rules.EvaluationLimits}).
   *
   * @param timeout wall time of one pack's evaluation
   * @param maxFirings rule firings in one pack's evaluation
   * @param maxInsertedFacts facts one pack's rules may insert in one evaluation
   */
  public record Limits(@DefaultValue("60s") Duration timeout, @DefaultValue("2000000") long maxFirings,
      @DefaultValue("100000") long maxInsertedFacts) {
    public io.aimsmonitor.rules.EvaluationLimits toEvaluationLimits() {
      try {
        return new io.aimsmonitor.rules.EvaluationLimits(timeout, maxFirings, maxInsertedFacts);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("aims.rules.limits: " + e.getMessage(), e);
      }
    }
  }

  /**
   * @param keepFor connector runs older than this are deleted (the latest good snapshot never is)
   * @param keepRuns the newest runs kept per connector regardless of age
   * @param evaluations evaluation records (what an evaluation read and decided, for replay) are kept
   *     this long, and with them every snapshot and rule pack version they name, even past
   *     {@code keepFor}: the default covers a yearly audit period
   */
  public record Retention(@DefaultValue("30d") Duration keepFor, @DefaultValue("20") int keepRuns,
      @DefaultValue("0 30 3 * * ?") String schedule, @DefaultValue("400d") Duration evaluations) {}
}
