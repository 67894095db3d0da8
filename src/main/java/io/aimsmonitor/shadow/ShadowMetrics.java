package io.aimsmonitor.shadow;

import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.store.ShadowRepository;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * {@code aims_shadow_*}: what shadow packs would find, as series of their own. No shipped alert or
 * dashboard panel of findings reads them, so a shadow pack can never page anyone.
 */
public class ShadowMetrics implements MultiCollector {

  private final RuleBook ruleBook;
  private final ShadowRepository store;

  public ShadowMetrics(RuleBook ruleBook, ShadowRepository store) {
    this.ruleBook = ruleBook;
    this.store = store;
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder violations = GaugeSnapshot.builder().name("aims_shadow_violations")
        .help("Violations the shadow pack reported at its latest evaluation (no findings are created from them)");
    GaugeSnapshot.Builder failed = GaugeSnapshot.builder().name("aims_shadow_evaluation_failed")
        .help("1 when the shadow pack failed its latest evaluation (it threw or tripped a guard)");
    for (ShadowRepository.PackCount count : store.latestCounts(ruleBook.shadowPacks().stream().map(RulePack::name).toList())) {
      Labels pack = Labels.of("pack", count.pack());
      violations.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(pack).value(count.violationCount()).build());
      failed.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(pack).value(count.failed() ? 1 : 0).build());
    }
    return MetricSnapshots.of(violations.build(), failed.build());
  }
}
