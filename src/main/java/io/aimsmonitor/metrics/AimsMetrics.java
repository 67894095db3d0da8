package io.aimsmonitor.metrics;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.ControlAssessment.OpenCounts;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every {@code aims_*} series of docs/metrics.md, computed from the store and the rules in force
 * at scrape time. Nothing is cached between scrapes: series of a deleted rule, pack or connector
 * simply stop being produced, and all replicas report the same numbers.
 */
public class AimsMetrics implements MultiCollector {

  private static final List<ControlAssessment.Status> STATUSES = ControlAssessment.Status.evaluated();

  private final ControlCatalog catalog;
  private final RuleBook ruleBook;
  private final FindingRepository findings;
  private final SnapshotRepository snapshots;
  private final EvaluationRepository evaluations;
  private final ConnectorInstances connectors;
  private final MonitorService monitor;
  private final Clock clock;
  private final Supplier<List<Waiver>> waivers;
  private final Duration expiringSoon;

  public AimsMetrics(ControlCatalog catalog, RuleBook ruleBook, FindingRepository findings, SnapshotRepository snapshots,
      EvaluationRepository evaluations, ConnectorInstances connectors, MonitorService monitor, Clock clock) {
    this(catalog, ruleBook, findings, snapshots, evaluations, connectors, monitor, clock, List::of, Duration.ofDays(14));
  }

  /**
   * @param waivers every waiver (the review workflow's, API and file)
   * @param expiringSoon an active waiver ending within this counts as expiring soon
   */
  public AimsMetrics(ControlCatalog catalog, RuleBook ruleBook, FindingRepository findings, SnapshotRepository snapshots,
      EvaluationRepository evaluations, ConnectorInstances connectors, MonitorService monitor, Clock clock,
      Supplier<List<Waiver>> waivers, Duration expiringSoon) {
    this.waivers = waivers;
    this.expiringSoon = expiringSoon;
    this.catalog = catalog;
    this.ruleBook = ruleBook;
    this.findings = findings;
    this.snapshots = snapshots;
    this.evaluations = evaluations;
    this.connectors = connectors;
    this.monitor = monitor;
    this.clock = clock;
  }

  @Override
  public MetricSnapshots collect() {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    controls(out);
    findings(out);
    waivers(out);
    connectors(out);
    evaluation(out);
    rules(out);
    return out.build();
  }

  private void controls(MetricSnapshots.Builder out) {
    Map<String, long[]> counts = new HashMap<>();
    GaugeSnapshot.Builder bySeverity = GaugeSnapshot.builder().name("aims_control_findings_open")
        .help("Open findings citing the control, by severity (stale findings included)");
    Map<String, Long> controlSeverity = new HashMap<>();
    for (Map<String, Object> row : findings.openByControl()) {
      String control = (String) row.get("control_id");
      boolean stale = Boolean.TRUE.equals(row.get("stale"));
      long n = ((Number) row.get("n")).longValue();
      counts.computeIfAbsent(control, k -> new long[2])[stale ? 1 : 0] += n;
      controlSeverity.merge(control + "\u0000" + severity(row.get("severity")), n, Long::sum);
    }
    controlSeverity.forEach((key, n) -> {
      String[] parts = key.split("\u0000");
      bySeverity.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("control", parts[0], "severity", parts[1]))
          .value(n).build());
    });
    Map<String, OpenCounts> open = new HashMap<>();
    counts.forEach((control, c) -> open.put(control, new OpenCounts(c[0], c[1])));
    List<ControlAssessment.ControlState> states = ControlAssessment.assess(catalog, ruleBook.rules().values(), open,
        monitor.staleRules());
    GaugeSnapshot.Builder status = GaugeSnapshot.builder().name("aims_control_status")
        .help("1 for the control's current status (compliant, non_compliant, unknown, not_covered, attestation_required),"
            + " 0 for the others");
    long annexCovered = 0;
    long annexTotal = 0;
    long clausesCovered = 0;
    long clausesTotal = 0;
    for (ControlAssessment.ControlState s : states) {
      for (ControlAssessment.Status candidate : STATUSES) {
        status.dataPoint(GaugeDataPointSnapshot.builder()
            .labels(Labels.of("control", s.control().id(), "family", s.control().family(), "status", candidate.label()))
            .value(s.status() == candidate ? 1 : 0).build());
      }
      boolean covered = !s.rules().isEmpty();
      if (s.control().part() == Control.Part.ANNEX_A) {
        annexTotal++;
        annexCovered += covered ? 1 : 0;
      } else {
        clausesTotal++;
        clausesCovered += covered ? 1 : 0;
      }
    }
    out.metricSnapshot(status.build());
    out.metricSnapshot(bySeverity.build());
    out.metricSnapshot(GaugeSnapshot.builder().name("aims_controls_automation_ratio")
        .help("Share of controls decided by at least one loaded rule")
        .dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("scope", "annex_a"))
            .value(annexTotal == 0 ? 0 : (double) annexCovered / annexTotal).build())
        .dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("scope", "clauses"))
            .value(clausesTotal == 0 ? 0 : (double) clausesCovered / clausesTotal).build())
        .build());
  }

  private void findings(MetricSnapshots.Builder out) {
    GaugeSnapshot.Builder byState = GaugeSnapshot.builder().name("aims_findings")
        .help("Findings per rule and status: open, waived (open but covered by a waiver in force) or resolved");
    Set<String> loaded = ruleBook.rules().keySet();
    for (Map<String, Object> row : findings.countsByState()) {
      if (!loaded.contains((String) row.get("rule_id"))) {
        continue; // a deleted rule's series disappear, though its resolved findings stay in the store
      }
      byState.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("pack", (String) row.get("pack"),
              "rule", (String) row.get("rule_id"), "severity", severity(row.get("severity")),
              "status", String.valueOf(row.get("state"))))
          .value(((Number) row.get("n")).doubleValue()).build());
    }
    out.metricSnapshot(byState.build());
    GaugeSnapshot.Builder open = GaugeSnapshot.builder().name("aims_findings_open")
        .help("Open findings no waiver covers, per rule; stale=\"true\" for findings whose evidence could not be refreshed");
    for (Map<String, Object> row : findings.openByRule()) {
      open.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("pack", (String) row.get("pack"),
              "rule", (String) row.get("rule_id"), "severity", severity(row.get("severity")),
              "stale", String.valueOf(Boolean.TRUE.equals(row.get("stale")))))
          .value(((Number) row.get("n")).doubleValue()).build());
    }
    out.metricSnapshot(open.build());
    CounterSnapshot.Builder events = CounterSnapshot.builder().name("aims_finding_events")
        .help("Finding lifecycle events since the store was created (opened, resolved, reopened)");
    Set<String> inForce = ruleBook.rules().keySet();
    for (Map<String, Object> row : findings.eventCounts(Set.of(FindingEvent.Type.OPENED, FindingEvent.Type.RESOLVED,
        FindingEvent.Type.REOPENED))) {
      if (!inForce.contains((String) row.get("rule_id"))) {
        continue; // a deleted rule's series disappear, though its events stay in the history
      }
      events.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("pack", (String) row.get("pack"),
              "rule", (String) row.get("rule_id"), "severity", severity(row.get("severity")),
              "event", ((String) row.get("type")).toLowerCase(Locale.ROOT)))
          .value(((Number) row.get("n")).doubleValue()).build());
    }
    out.metricSnapshot(events.build());
  }

  /** Waivers by scope: in force, in force but ending soon, awaiting approval. Both scopes always, from 0. */
  private void waivers(MetricSnapshots.Builder out) {
    Instant now = clock.instant();
    Map<String, long[]> counts = new java.util.TreeMap<>();
    for (Waiver.Scope scope : Waiver.Scope.values()) {
      counts.put(scope.name().toLowerCase(Locale.ROOT), new long[3]);
    }
    for (Waiver w : waivers.get()) {
      long[] c = counts.get(w.scope().name().toLowerCase(Locale.ROOT));
      Waiver.State state = w.state(now);
      if (state == Waiver.State.ACTIVE) {
        c[0]++;
        if (w.expiresAt().isBefore(now.plus(expiringSoon))) {
          c[1]++;
        }
      } else if (state == Waiver.State.PENDING) {
        c[2]++;
      }
    }
    GaugeSnapshot.Builder active = gauge("aims_waivers_active", "Waivers in force", null);
    GaugeSnapshot.Builder soon = gauge("aims_waivers_expiring_soon",
        "Waivers in force that end within aims.review.expiring-soon", null);
    GaugeSnapshot.Builder pending = gauge("aims_waivers_pending", "Waivers awaiting approval by a second reviewer", null);
    counts.forEach((scope, c) -> {
      Labels labels = Labels.of("scope", scope);
      active.dataPoint(point(labels, c[0]));
      soon.dataPoint(point(labels, c[1]));
      pending.dataPoint(point(labels, c[2]));
    });
    out.metricSnapshot(active.build());
    out.metricSnapshot(soon.build());
    out.metricSnapshot(pending.build());
  }

  private void connectors(MetricSnapshots.Builder out) {
    Instant now = clock.instant();
    Map<String, SnapshotRepository.ConnectorState> states = snapshots.states();
    GaugeSnapshot.Builder lastSuccess = gauge("aims_connector_last_success_timestamp_seconds",
        "End time of the instance's last successful run", Unit.SECONDS);
    GaugeSnapshot.Builder lastRun = gauge("aims_connector_last_run_timestamp_seconds",
        "End time of the instance's last run", Unit.SECONDS);
    GaugeSnapshot.Builder lastRunSuccess = gauge("aims_connector_last_run_success",
        "1 if the instance's last run succeeded, else 0", null);
    GaugeSnapshot.Builder duration = gauge("aims_connector_last_run_duration_seconds",
        "Duration of the instance's last run", Unit.SECONDS);
    GaugeSnapshot.Builder pages = gauge("aims_connector_last_run_pages", "Listing pages the instance's last run fetched",
        null);
    GaugeSnapshot.Builder rateLimitWaits = gauge("aims_connector_last_run_rate_limit_waits",
        "Times the instance's last run waited because the source rate-limited it", null);
    GaugeSnapshot.Builder facts = gauge("aims_connector_facts", "Facts in the instance's latest good snapshot", null);
    GaugeSnapshot.Builder age = gauge("aims_connector_facts_age_seconds",
        "Age of the instance's latest good snapshot", Unit.SECONDS);
    GaugeSnapshot.Builder interval = gauge("aims_connector_schedule_interval_seconds",
        "Time between two scheduled runs of the instance", Unit.SECONDS);
    GaugeSnapshot.Builder held = gauge("aims_connector_run_held",
        "1 while the instance's latest run is held as suspicious (its fact count dropped sharply) awaiting confirmation",
        null);
    Map<String, Integer> staleness = evaluations.staleness();
    GaugeSnapshot.Builder staleFindings = gauge("aims_connector_stale_findings",
        "Open findings the instance held stale at the last evaluation, because their verdict could depend on its data",
        null);
    for (ConnectorConfig c : connectors.enabled()) {
      Labels labels = Labels.of("connector", c.id(), "type", c.type());
      interval.dataPoint(point(labels, c.expectedInterval().toMillis() / 1000.0));
      staleFindings.dataPoint(point(labels, staleness.getOrDefault(c.id(), 0)));
      SnapshotRepository.ConnectorState state = states.get(c.id());
      held.dataPoint(point(labels, state != null && state.lastRun().map(SnapshotRepository.RunSummary::held)
          .orElse(false) ? 1 : 0));
      if (state == null) {
        continue;
      }
      state.lastRun().ifPresent(r -> {
        lastRun.dataPoint(point(labels, seconds(r.finishedAt())));
        lastRunSuccess.dataPoint(point(labels, r.succeeded() ? 1 : 0));
        duration.dataPoint(point(labels, r.duration().toMillis() / 1000.0));
        pages.dataPoint(point(labels, r.pages()));
        rateLimitWaits.dataPoint(point(labels, r.rateLimitWaits()));
      });
      state.lastSuccess().ifPresent(r -> {
        lastSuccess.dataPoint(point(labels, seconds(r.finishedAt())));
        facts.dataPoint(point(labels, r.factCount()));
        age.dataPoint(point(labels, Duration.between(r.finishedAt(), now).toMillis() / 1000.0));
      });
    }
    // Every enabled instance gets every reason, starting at 0, so that increase() and rate()
    // see the first failure; the set is bounded by ConnectorException.REASONS.
    Map<String, Long> errorCounts = new HashMap<>();
    for (Map.Entry<String[], Long> e : snapshots.errorCounts()) {
      errorCounts.merge(e.getKey()[0] + "\u0000" + e.getKey()[2], e.getValue(), Long::sum);
    }
    CounterSnapshot.Builder errors = CounterSnapshot.builder().name("aims_connector_errors")
        .help("Failed connector runs by reason");
    for (ConnectorConfig c : connectors.enabled()) {
      for (String reason : ConnectorException.REASONS) {
        errors.dataPoint(CounterDataPointSnapshot.builder()
            .labels(Labels.of("connector", c.id(), "type", c.type(), "reason", reason))
            .value(errorCounts.getOrDefault(c.id() + "\u0000" + reason, 0L)).build());
      }
    }
    List.of(lastSuccess, lastRun, lastRunSuccess, duration, pages, rateLimitWaits, facts, age, interval, held,
        staleFindings)
        .forEach(b -> out.metricSnapshot(b.build()));
    out.metricSnapshot(errors.build());
  }

  private void evaluation(MetricSnapshots.Builder out) {
    GaugeSnapshot.Builder last = gauge("aims_evaluation_last_timestamp_seconds", "End time of the last evaluation", Unit.SECONDS);
    GaugeSnapshot.Builder duration = gauge("aims_evaluation_last_duration_seconds", "Duration of the last evaluation",
        Unit.SECONDS);
    evaluations.latest().ifPresent(run -> {
      last.dataPoint(point(Labels.EMPTY, seconds(run.finishedAt())));
      duration.dataPoint(point(Labels.EMPTY, Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0));
    });
    out.metricSnapshot(last.build());
    out.metricSnapshot(duration.build());
    out.metricSnapshot(CounterSnapshot.builder().name("aims_evaluations").help("Evaluation cycles completed")
        .dataPoint(CounterDataPointSnapshot.builder().value(evaluations.count()).build()).build());
  }

  private void rules(MetricSnapshots.Builder out) {
    List<RulePack> packs = ruleBook.packs();
    out.metricSnapshot(gauge("aims_rule_packs_loaded", "Rule packs in force", null)
        .dataPoint(point(Labels.EMPTY, packs.size())).build());
    // An info metric: exposed as aims_rule_pack_info (the client adds the suffix for this type).
    InfoSnapshot.Builder info = InfoSnapshot.builder().name("aims_rule_pack")
        .help("1 per loaded rule pack, with its content version");
    GaugeSnapshot.Builder rules = gauge("aims_rules_loaded", "Rules in force per pack", null);
    GaugeSnapshot.Builder rejected = gauge("aims_rule_pack_rejected",
        "1 when the pack's latest files were rejected (its last good version keeps running)", null);
    List<String> names = new ArrayList<>();
    for (RulePack p : packs) {
      names.add(p.name());
      info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
          .labels(Labels.of("pack", p.name(), "version", p.shortHash())).build());
      rules.dataPoint(point(Labels.of("pack", p.name()), p.rules().size()));
    }
    ruleBook.rejected().keySet().forEach(n -> {
      if (!names.contains(n)) {
        names.add(n);
      }
    });
    names.forEach(n -> rejected.dataPoint(point(Labels.of("pack", n), ruleBook.rejected().containsKey(n) ? 1 : 0)));
    out.metricSnapshot(info.build());
    out.metricSnapshot(rules.build());
    out.metricSnapshot(rejected.build());
    // Evaluation guards: every pack in force gets every guard, from 0, so that increase() sees the first trip.
    List<String> failedLast = evaluations.latest().map(EvaluationRepository.EvaluationRun::failedPacks).orElse(List.of());
    GaugeSnapshot.Builder failed = gauge("aims_rule_pack_evaluation_failed",
        "1 when the pack failed the last evaluation (it threw or tripped a guard; its previous findings stand)", null);
    Map<String, Map<String, Long>> trips = evaluations.guardTrips();
    CounterSnapshot.Builder tripped = CounterSnapshot.builder().name("aims_rule_pack_guard_trips")
        .help("Evaluations of the pack stopped by a guard: timeout, firings or inserted_facts");
    for (RulePack p : packs) {
      failed.dataPoint(point(Labels.of("pack", p.name()), failedLast.contains(p.name()) ? 1 : 0));
      for (String guard : Evaluator.GuardTrip.GUARDS) {
        tripped.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("pack", p.name(), "guard", guard))
            .value(trips.getOrDefault(p.name(), Map.of()).getOrDefault(guard, 0L)).build());
      }
    }
    out.metricSnapshot(failed.build());
    out.metricSnapshot(tripped.build());
  }

  private static GaugeSnapshot.Builder gauge(String name, String help, Unit unit) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    return unit == null ? b : b.unit(unit);
  }

  private static GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  private static String severity(Object stored) {
    return Severity.valueOf(String.valueOf(stored)).label();
  }
}
