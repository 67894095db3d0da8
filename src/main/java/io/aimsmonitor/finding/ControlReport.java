package io.aimsmonitor.finding;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlAssessment.ControlState;
import io.aimsmonitor.finding.ControlAssessment.OpenCounts;
import io.aimsmonitor.rules.ControlCoverage;
import io.aimsmonitor.rules.RuleDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Statement of Applicability view: every Annex A control and clause with its automation, the
 * rules deciding it, its current status and open findings. Built from {@link ControlCoverage}
 * (rules) and {@link ControlAssessment} (status), the one place each is decided.
 */
public final class ControlReport {

  /** Status shown when no evaluation is available (the {@code controls} command without {@code --scan}). */
  public static final String NOT_EVALUATED = ControlAssessment.Status.NOT_EVALUATED.label();

  /**
   * Why a control is excluded from the AIMS or its findings accepted, with a justification, as the
   * SoA requires. The review workflow provides these from the waivers in force
   * ({@code review.ReviewService}).
   */
  @FunctionalInterface
  public interface Exclusions {
    Exclusions NONE = controlId -> Optional.empty();

    Optional<String> justification(String controlId);
  }

  /**
   * One control in the report.
   *
   * @param automation how it is decided with the loaded rules: {@code automated}, {@code partly automated},
   *     {@code attestation-only} or {@code not automated} ({@link ControlCoverage.Automation})
   * @param decidedBy {@code full}, {@code partial} or {@code none}: how far loaded rules decide it
   * @param status a {@link ControlAssessment.Status} label
   * @param euAiAct EU AI Act articles the catalogue maps the control to (crosswalk)
   * @param nistAiRmf NIST AI RMF subcategories the catalogue maps the control to (crosswalk)
   * @param openFindings open findings citing the control, stale ones included
   * @param staleFindings of those, the ones whose evidence could not be refreshed
   * @param exclusion justification when the control is excluded or accepted, else null
   */
  public record Row(String id, String part, String family, String title, String automation, String decidedBy,
      List<String> rules, String status, long openFindings, long staleFindings, String exclusion,
      List<String> euAiAct, List<String> nistAiRmf) {
    public Row {
      rules = List.copyOf(rules);
      euAiAct = List.copyOf(euAiAct);
      nistAiRmf = List.copyOf(nistAiRmf);
    }
  }

  private ControlReport() {}

  /** Coverage only: which rules decide each control, without a status (no evaluation at hand). */
  public static List<Row> coverage(ControlCatalog catalog, Collection<RuleDefinition> rules, Exclusions exclusions) {
    List<Row> out = new ArrayList<>();
    for (ControlCoverage.Entry e : ControlCoverage.of(catalog, rules)) {
      String status = e.rules().isEmpty() ? ControlAssessment.Status.undecided(e.control()).label() : NOT_EVALUATED;
      out.add(row(e, status, OpenCounts.NONE, exclusions));
    }
    return out;
  }

  /** Coverage and status from the store's open findings and the rules reading stale evidence. */
  public static List<Row> assess(ControlCatalog catalog, Collection<RuleDefinition> rules,
      Map<String, OpenCounts> openByControl, Set<String> staleRules, Exclusions exclusions) {
    List<ControlState> states = ControlAssessment.assess(catalog, rules, openByControl, staleRules);
    List<ControlCoverage.Entry> coverage = ControlCoverage.of(catalog, rules);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < coverage.size(); i++) {
      ControlState state = states.get(i); // both follow catalogue order
      out.add(row(coverage.get(i), state.status().label(), state.open(), exclusions));
    }
    return out;
  }

  private static Row row(ControlCoverage.Entry e, String status, OpenCounts open, Exclusions exclusions) {
    Control c = e.control();
    return new Row(c.id(), c.part() == Control.Part.ANNEX_A ? "annex-a" : "clause", c.family(), c.title(),
        e.automation().label(), e.decidedBy(), e.ruleIds(), status, open.fresh() + open.stale(), open.stale(),
        exclusions.justification(c.id()).orElse(null), c.euAiAct(), c.nistAiRmf());
  }

  /** Rows of one part: {@code annex-a}, {@code clause}, or all when {@code part} is null or {@code all}. */
  public static List<Row> filter(List<Row> rows, String part, String status) {
    if (part != null && !Set.of("annex-a", "clause", "all").contains(part.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("part must be annex-a, clause or all, got '" + part + "'");
    }
    return rows.stream()
        .filter(r -> part == null || part.equalsIgnoreCase("all") || r.part().equalsIgnoreCase(part))
        .filter(r -> status == null || r.status().equalsIgnoreCase(status))
        .toList();
  }
}
