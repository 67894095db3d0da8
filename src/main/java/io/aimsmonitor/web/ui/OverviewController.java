package io.aimsmonitor.web.ui;

import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.store.FindingActivity;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.web.api.ConnectorsController;
import io.aimsmonitor.web.api.ConnectorsController.ConnectorView;
import io.aimsmonitor.web.api.ControlsController;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Page 1, the overview: what is wrong and where it is getting worse. Posture per Annex A objective
 * and clause, open findings over the last {@value #DAYS} days by severity (from the findings'
 * history), what changed in the last 24 hours, the health of every source and the waivers that
 * expire soon. Every figure links to the findings behind it.
 */
@Controller
public class OverviewController {

  static final int DAYS = 30;
  private static final int CHANGES_SHOWN = 8;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The five postures the overview counts, in the order shown. */
  static final List<String> POSTURES = List.of("compliant", "non_compliant", "waived", "attestation_required",
      "unknown");

  private final ControlsController controls;
  private final ConnectorsController connectors;
  private final FindingRepository findings;
  private final FindingActivity activity;
  private final ReviewService review;
  private final Clock clock;
  private final FindingQueries queries;

  public OverviewController(ControlsController controls, ConnectorsController connectors, FindingRepository findings,
      FindingActivity activity, ReviewService review, Clock clock, FindingQueries queries) {
    this.queries = queries;
    this.controls = controls;
    this.connectors = connectors;
    this.findings = findings;
    this.activity = activity;
    this.review = review;
    this.clock = clock;
  }

  /** One control in brief, with the posture it counts as. */
  public record ControlBrief(String id, String title, String posture, long openFindings) {}

  /** The controls of one objective or clause, counted per posture. */
  public record Family(String id, String label, String part, Map<String, Long> counts, List<ControlBrief> controls) {
    public long total() {
      return controls.size();
    }

    /** Width of a posture's share of the bar, in percent. */
    public double share(String posture) {
      return total() == 0 ? 0 : 100.0 * counts.getOrDefault(posture, 0L) / total();
    }
  }

  /** A day of the chart's table: open findings per severity at the end of that day. */
  public record TrendDay(LocalDate day, Map<Severity, Long> open) {}

  /**
   * The overview's figures that are read from the findings: the heavy part of the page (at 100,000
   * findings a control report with its waiver look-ups, three counts and 30 days of history per
   * severity; over ten seconds per view before they were kept).
   */
  record Figures(List<Family> families, Map<String, Long> postureTotals, long openCount, long waivedCount,
      long staleCount, List<TrendDay> trend, Map<FindingEvent.Type, Long> changeCounts,
      List<FindingActivity.Change> changes, Instant yesterday) {}

  /**
   * How long figures are served while the findings have not changed. WHY a bound at all: part of the
   * page moves without a change of the findings (the 24-hour window of "since yesterday", today's
   * point of the chart, a control turning unknown when its source goes stale, waivers from the
   * waivers file), so a view shows figures at most this old; every view after an evaluation or a
   * reviewer's action shows new ones.
   */
  static final Duration FIGURES_MAX_AGE = Duration.ofMinutes(1);

  private final KeptWhileUnchanged<Figures> figures = new KeptWhileUnchanged<>(FIGURES_MAX_AGE);

  @GetMapping("/")
  String overview(Model model) {
    Instant now = clock.instant();
    Figures figures = this.figures.get(findings.changeVersion(), now, () -> compute(now));
    model.addAttribute("postures", POSTURES);
    model.addAttribute("annexA", figures.families().stream().filter(f -> f.part().equals("annex-a")).toList());
    model.addAttribute("clauses", figures.families().stream().filter(f -> f.part().equals("clause")).toList());
    model.addAttribute("postureTotals", figures.postureTotals());

    model.addAttribute("openCount", figures.openCount());
    model.addAttribute("waivedCount", figures.waivedCount());
    model.addAttribute("staleCount", figures.staleCount());

    List<TrendDay> trend = figures.trend();
    model.addAttribute("trend", trend);
    model.addAttribute("openToday", trend.get(trend.size() - 1).open().values().stream().mapToLong(Long::longValue).sum());
    model.addAttribute("trendOption", JSON.writeValueAsString(chart(trend)));
    model.addAttribute("severities", severitiesDescending());

    model.addAttribute("opened", figures.changeCounts().get(FindingEvent.Type.OPENED));
    model.addAttribute("resolved", figures.changeCounts().get(FindingEvent.Type.RESOLVED));
    model.addAttribute("reopened", figures.changeCounts().get(FindingEvent.Type.REOPENED));
    model.addAttribute("changes", figures.changes());
    model.addAttribute("openedSinceUrl", "/findings?firstSeenFrom="
        + figures.yesterday().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

    List<ConnectorView> sources = connectors.list().stream().filter(ConnectorView::enabled).toList();
    model.addAttribute("sources", sources);
    model.addAttribute("staleSources", sources.stream().filter(s -> !s.fresh()).count());

    Duration soon = review.properties().expiringSoon();
    List<Waiver> expiring = review.waivers().stream().filter(w -> w.inForce(now))
        .filter(w -> w.expiresAt().isBefore(now.plus(soon))).sorted(Comparator.comparing(Waiver::expiresAt)).toList();
    model.addAttribute("expiring", expiring);
    model.addAttribute("expiringWithin", Durations.words(soon));
    model.addAttribute("now", now);
    return "ui/overview";
  }

  private Figures compute(Instant now) {
    List<Family> families = families(controls.list(null, null, null).controls());
    Map<String, Long> totals = new LinkedHashMap<>();
    POSTURES.forEach(p -> totals.put(p, 0L));
    families.forEach(f -> f.counts().forEach((p, n) -> totals.merge(p, n, Long::sum)));
    Instant yesterday = now.minus(Duration.ofDays(1));
    return new Figures(families, totals, findings.count(filter("open")), findings.count(filter("waived")),
        findings.count(filter("stale")), trend(now), activity.changeCounts(yesterday),
        activity.changes(yesterday, CHANGES_SHOWN), yesterday);
  }

  private FindingFilter filter(String status) {
    return queries.filter(new org.springframework.util.LinkedMultiValueMap<>(Map.of("status", List.of(status))));
  }

  /** Posture of a control: waived when waivers accept all its open findings, else its status. */
  static String posture(ControlReport.Row row) {
    return switch (row.status()) {
      case "compliant" -> row.exclusion() != null ? "waived" : "compliant";
      case "non_compliant" -> "non_compliant";
      case "attestation_required" -> "attestation_required";
      default -> "unknown"; // unknown, not_covered, not_evaluated: nothing shows the control is met
    };
  }

  private static List<Family> families(List<ControlReport.Row> rows) {
    Map<String, List<ControlReport.Row>> byFamily = new LinkedHashMap<>();
    rows.forEach(r -> byFamily.computeIfAbsent(r.family(), k -> new ArrayList<>()).add(r));
    List<Family> out = new ArrayList<>();
    byFamily.forEach((family, members) -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      POSTURES.forEach(p -> counts.put(p, 0L));
      List<ControlBrief> briefs = new ArrayList<>();
      for (ControlReport.Row r : members) {
        String p = posture(r);
        counts.merge(p, 1L, Long::sum);
        briefs.add(new ControlBrief(r.id(), r.title(), p, r.openFindings()));
      }
      out.add(new Family(family, ControlFamilies.label(family), members.get(0).part(), counts, briefs));
    });
    return out;
  }

  /**
   * Open findings at the end of each of the last {@value #DAYS} days, per severity: today's open
   * count, walked back day by day through the opened, reopened and resolved events.
   */
  private List<TrendDay> trend(Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = today.minusDays(DAYS - 1);
    Map<LocalDate, Map<Severity, Long>> net = new LinkedHashMap<>();
    for (FindingActivity.DayCount c : activity.lifecycleByDay(first.plusDays(1).atStartOfDay(ZoneOffset.UTC)
        .toInstant())) {
      long delta = c.type() == FindingEvent.Type.RESOLVED ? -c.count() : c.count();
      net.computeIfAbsent(c.day(), d -> new EnumMap<>(Severity.class)).merge(c.severity(), delta, Long::sum);
    }
    Map<Severity, Long> open = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      open.put(s, 0L);
    }
    open.putAll(findings.openBySeverity().open());
    List<TrendDay> days = new ArrayList<>();
    for (LocalDate d = today; !d.isBefore(first); d = d.minusDays(1)) {
      days.add(0, new TrendDay(d, new EnumMap<>(open)));
      Map<Severity, Long> change = net.getOrDefault(d, Map.of());
      change.forEach((s, delta) -> open.merge(s, -delta, Long::sum));
      open.replaceAll((s, n) -> Math.max(0, n));
    }
    return days;
  }

  private static List<Severity> severitiesDescending() {
    List<Severity> out = new ArrayList<>(List.of(Severity.values()));
    java.util.Collections.reverse(out);
    return out;
  }

  /** An ECharts option: stacked areas per severity, most severe on top, colours as the badges. */
  private static Map<String, Object> chart(List<TrendDay> trend) {
    Map<Severity, String> colours = Map.of(Severity.CRITICAL, "#7a0c0c", Severity.HIGH, "#b3261e",
        Severity.MEDIUM, "#d28a00", Severity.LOW, "#1d5fa6", Severity.INFO, "#8a949e");
    List<Map<String, Object>> series = new ArrayList<>();
    List<Severity> order = new ArrayList<>(List.of(Severity.values())); // least severe at the bottom of the stack
    for (Severity s : order) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", s.name().toLowerCase(java.util.Locale.ROOT));
      one.put("type", "line");
      one.put("stack", "open");
      one.put("areaStyle", Map.of());
      one.put("symbol", "none");
      one.put("color", colours.get(s));
      one.put("data", trend.stream().map(d -> d.open().getOrDefault(s, 0L)).toList());
      series.add(one);
    }
    Map<String, Object> option = new LinkedHashMap<>();
    option.put("aria", Map.of("enabled", true));
    option.put("animation", false);
    option.put("tooltip", Map.of("trigger", "axis"));
    option.put("legend", Map.of("top", 0));
    option.put("grid", Map.of("left", 40, "right", 16, "top", 36, "bottom", 28));
    option.put("xAxis", Map.of("type", "category", "boundaryGap", false,
        "data", trend.stream().map(d -> d.day().toString().substring(5)).toList()));
    option.put("yAxis", Map.of("type", "value", "minInterval", 1));
    option.put("series", series);
    return option;
  }
}
