package io.aimsmonitor.history;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.ControlAssessment.OpenCounts;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.history.FindingHistory.Interval;
import io.aimsmonitor.history.FindingHistory.State;
import io.aimsmonitor.history.FindingHistory.Tracked;
import io.aimsmonitor.rules.RuleDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The status of every control as of any past instant, and what happened over an audit period:
 * time out of compliance per control, mean time to remediate, regressions, waivers in force
 * (docs/evidence.md). Computed from the finding history only.
 *
 * <p>Two limits, stated wherever the result is shown: controls are judged with the rule packs
 * loaded now (which rules decide a control), and a rule reading stale evidence at that time is
 * only seen through its findings marked stale. Before the first evaluation every control that
 * rules decide is {@code not_evaluated}: no status is claimed without evidence.
 */
public class TimeTravel {

  private final FindingHistory history;
  private final ControlCatalog catalog;
  private final Supplier<Collection<RuleDefinition>> rules;
  private final Supplier<List<Waiver>> waivers;
  private final Clock clock;

  public TimeTravel(FindingHistory history, ControlCatalog catalog, Supplier<Collection<RuleDefinition>> rules,
      Supplier<List<Waiver>> waivers, Clock clock) {
    this.history = history;
    this.catalog = catalog;
    this.rules = rules;
    this.waivers = waivers;
    this.clock = clock;
  }

  /** Every control as it stood at {@code at} (the Statement of Applicability as of that instant). */
  public List<ControlReport.Row> controlsAsOf(Instant at) {
    return controlsAsOf(at, history.upTo(at), f -> true);
  }

  /** As {@link #controlsAsOf(Instant)}, counting only the findings {@code which} selects (e.g. one AI system's). */
  public List<ControlReport.Row> controlsAsOf(Instant at, List<Tracked> findings, Predicate<Tracked> which) {
    Instant first = history.firstEvaluation();
    if (first == null || first.isAfter(at)) {
      return ControlReport.coverage(catalog, rules.get(), ControlReport.Exclusions.NONE);
    }
    Map<String, long[]> counts = new HashMap<>();
    for (Tracked f : findings) {
      if (!which.test(f)) {
        continue;
      }
      State s = f.stateAt(at);
      if (s.open() && !s.waived()) {
        f.controls().forEach(c -> counts.computeIfAbsent(c, k -> new long[2])[s.stale() ? 1 : 0]++);
      }
    }
    Map<String, OpenCounts> open = new HashMap<>();
    counts.forEach((c, n) -> open.put(c, new OpenCounts(n[0], n[1])));
    return ControlReport.assess(catalog, rules.get(), open, Set.of(), ControlReport.Exclusions.NONE);
  }

  /** The findings open at {@code at}, waived ones included. */
  public List<Tracked> openAt(Instant at) {
    return history.upTo(at).stream().filter(f -> f.stateAt(at).open()).toList();
  }

  // --- period report -------------------------------------------------------------------------

  /**
   * One control over the period.
   *
   * @param statusAtStart status as of {@code from}; statusAtEnd as of {@code to}
   * @param secondsOutOfCompliance how long at least one open finding on fresh evidence, without a
   *     waiver, cited it (overlaps counted once)
   * @param meanTimeToRemediateHours mean time from opening to resolution of its findings resolved in
   *     the period; null when none was
   */
  public record ControlPeriod(String id, String title, String automation, String statusAtStart, String statusAtEnd,
      long secondsOutOfCompliance, double percentOutOfCompliance, Double meanTimeToRemediateHours, int opened,
      int resolved, int regressions, List<String> rules) {}

  /** A finding open at some time in the period. */
  public record FindingPeriod(String id, String ruleId, String title, String severity, List<String> controls,
      String subject, String source, Instant firstOpened, Instant resolvedAt, String statusAtEnd, boolean waivedAtEnd,
      List<FindingHistory.Event> events) {}

  /** A reopening in the period: a finding resolved before came back. */
  public record Regression(String findingId, String ruleId, List<String> controls, String subject, Instant at) {}

  /** A waiver in force at some time in the period. */
  public record WaiverInForce(String id, String scope, String findingId, String ruleId, String subjectPattern,
      String justification, String requestedBy, String approvedBy, Instant approvedAt, Instant endsAt, String endedBy) {}

  /** Figures over all controls. */
  public record Summary(int controls, Map<String, Long> statusAtEnd, int findingsOpen, int findingsOpened,
      int findingsResolved, int regressions, Double meanTimeToRemediateHours, int waiversInForce) {}

  /** The period report; {@code notes} states what it is computed from and its limits. */
  public record PeriodReport(Instant from, Instant to, Instant generatedAt, Instant firstEvaluation, Summary summary,
      List<ControlPeriod> controls, List<FindingPeriod> findings, List<Regression> regressions,
      List<WaiverInForce> waivers, List<String> notes) {}

  public static final List<String> NOTES = List.of(
      "Statuses are computed from the finding history (finding_event), which is hash-chained: aims-monitor verify"
          + " checks it.",
      "Which rules decide a control is taken from the rule packs loaded when the report is made.",
      "Out of compliance: an open finding on fresh evidence without a waiver in force cites the control; stale or"
          + " waived stretches are not counted (unknown, accepted risk).",
      "Before the first evaluation no status is claimed: controls are not_evaluated.");

  public PeriodReport period(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
    List<Tracked> all = history.upTo(to);
    List<ControlReport.Row> start = controlsAsOf(from, all, f -> true);
    List<ControlReport.Row> end = controlsAsOf(to, all, f -> true);
    Instant first = history.firstEvaluation();
    Duration length = Duration.between(from, to);

    Map<String, List<Interval>> outByControl = new HashMap<>();
    Map<String, List<Duration>> fixByControl = new HashMap<>();
    Map<String, int[]> countsByControl = new HashMap<>(); // opened, resolved, regressions
    List<FindingPeriod> findings = new ArrayList<>();
    List<Regression> regressions = new ArrayList<>();
    List<Duration> allFixes = new ArrayList<>();
    int opened = 0;
    int resolved = 0;
    for (Tracked f : all) {
      List<Interval> out = f.nonCompliant(from, to);
      List<Duration> fixes = f.remediations(from, to);
      List<FindingHistory.Event> openings = f.eventsIn(from, to, FindingEvent.Type.OPENED);
      List<FindingHistory.Event> resolutions = f.eventsIn(from, to, FindingEvent.Type.RESOLVED);
      List<FindingHistory.Event> reopenings = f.eventsIn(from, to, FindingEvent.Type.REOPENED);
      opened += openings.size();
      resolved += resolutions.size();
      allFixes.addAll(fixes);
      for (String c : f.controls()) {
        outByControl.computeIfAbsent(c, k -> new ArrayList<>()).addAll(out);
        fixByControl.computeIfAbsent(c, k -> new ArrayList<>()).addAll(fixes);
        int[] n = countsByControl.computeIfAbsent(c, k -> new int[3]);
        n[0] += openings.size();
        n[1] += resolutions.size();
        n[2] += reopenings.size();
      }
      String subject = f.subjectName() == null ? f.subjectKey() : f.subjectName();
      reopenings.forEach(e -> regressions.add(new Regression(f.id(), f.ruleId(), f.controls(), subject, e.at())));
      boolean openInPeriod = f.stateAt(from).open() || !openings.isEmpty() || !reopenings.isEmpty();
      if (openInPeriod) {
        State atEnd = f.stateAt(to);
        Instant firstOpened = f.events().stream().filter(e -> e.type() == FindingEvent.Type.OPENED)
            .map(FindingHistory.Event::at).findFirst().orElse(null);
        Instant resolvedAt = resolutions.isEmpty() ? null : resolutions.get(resolutions.size() - 1).at();
        findings.add(new FindingPeriod(f.id(), f.ruleId(), f.title(), f.severity(), f.controls(), subject, f.source(),
            firstOpened, atEnd.open() ? null : resolvedAt, atEnd.open() ? "open" : "resolved", atEnd.waived(),
            f.eventsIn(from, to)));
      }
    }
    List<ControlPeriod> controls = new ArrayList<>();
    for (int i = 0; i < end.size(); i++) {
      ControlReport.Row e = end.get(i);
      long seconds = union(outByControl.getOrDefault(e.id(), List.of())).getSeconds();
      List<Duration> fixes = fixByControl.getOrDefault(e.id(), List.of());
      int[] n = countsByControl.getOrDefault(e.id(), new int[3]);
      controls.add(new ControlPeriod(e.id(), e.title(), e.automation(), start.get(i).status(), e.status(), seconds,
          Math.round(10_000.0 * seconds / Math.max(1, length.getSeconds())) / 100.0, meanHours(fixes), n[0], n[1], n[2],
          e.rules()));
    }
    List<WaiverInForce> inForce = waivers.get().stream().filter(w -> w.approvedAt() != null)
        .filter(w -> w.approvedAt().isBefore(to) && end(w).isAfter(from))
        .sorted(Comparator.comparing(Waiver::approvedAt))
        .map(w -> new WaiverInForce(w.id(), w.scope().name().toLowerCase(java.util.Locale.ROOT), w.findingId(),
            w.ruleId(), w.subjectPattern(), w.justification(), w.requestedBy(), w.approvedBy(), w.approvedAt(), end(w),
            w.revokedBy()))
        .toList();
    Map<String, Long> byStatus = new LinkedHashMap<>();
    end.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
    findings.sort(Comparator.comparing(FindingPeriod::firstOpened, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(FindingPeriod::id));
    regressions.sort(Comparator.comparing(Regression::at));
    int openAtEnd = (int) findings.stream().filter(f -> f.statusAtEnd().equals("open")).count();
    Summary summary = new Summary(end.size(), byStatus, openAtEnd, opened, resolved, regressions.size(),
        meanHours(allFixes), inForce.size());
    return new PeriodReport(from, to, clock.instant(), first, summary, controls, findings, regressions, inForce, NOTES);
  }

  private static Instant end(Waiver w) {
    return w.revokedAt() != null && w.revokedAt().isBefore(w.expiresAt()) ? w.revokedAt() : w.expiresAt();
  }

  private static Double meanHours(List<Duration> durations) {
    if (durations.isEmpty()) {
      return null;
    }
    double seconds = durations.stream().mapToLong(Duration::getSeconds).average().orElse(0);
    return Math.round(seconds / 36.0) / 100.0;
  }

  /** Total length of intervals, overlaps counted once. */
  static Duration union(List<Interval> intervals) {
    List<Interval> sorted = new ArrayList<>(intervals);
    sorted.sort(Comparator.comparing(Interval::from));
    Duration total = Duration.ZERO;
    Instant curFrom = null;
    Instant curTo = null;
    for (Interval i : sorted) {
      if (curTo == null || i.from().isAfter(curTo)) {
        if (curTo != null) {
          total = total.plus(Duration.between(curFrom, curTo));
        }
        curFrom = i.from();
        curTo = i.to();
      } else if (i.to().isAfter(curTo)) {
        curTo = i.to();
      }
    }
    if (curTo != null) {
      total = total.plus(Duration.between(curFrom, curTo));
    }
    return total;
  }

  /** Controls of the catalogue in its order, for callers that need the catalogue. */
  public Collection<Control> catalogue() {
    return catalog.all();
  }
}
