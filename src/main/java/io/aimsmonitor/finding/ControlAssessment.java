package io.aimsmonitor.finding;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.RuleDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The status of every control from the rules that decide it and their open findings; the one
 * place this is decided, for metrics, the API and the Statement of Applicability.
 *
 * <ul>
 *   <li>{@code NOT_COVERED}: no loaded rule decides the control;</li>
 *   <li>{@code NON_COMPLIANT}: an open finding on fresh evidence cites it;</li>
 *   <li>{@code UNKNOWN}: no such finding, but a deciding rule reads stale evidence (or only stale findings are open);</li>
 *   <li>{@code COMPLIANT}: rules decide it, on fresh evidence, and none has an open finding.</li>
 * </ul>
 */
public final class ControlAssessment {

  public enum Status { COMPLIANT, NON_COMPLIANT, UNKNOWN, NOT_COVERED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Open findings citing one control. */
  public record OpenCounts(long fresh, long stale) {
    public static final OpenCounts NONE = new OpenCounts(0, 0);
  }

  public record ControlState(Control control, Status status, List<String> rules, OpenCounts open) {}

  private ControlAssessment() {}

  public static List<ControlState> assess(ControlCatalog catalog, Collection<RuleDefinition> rules,
      Map<String, OpenCounts> openByControl, Set<String> staleRules) {
    List<ControlState> out = new ArrayList<>();
    for (Control control : catalog.all()) {
      List<RuleDefinition> deciding = rules.stream().filter(r -> r.controls().contains(control.id())).toList();
      OpenCounts open = openByControl.getOrDefault(control.id(), OpenCounts.NONE);
      Status status;
      if (deciding.isEmpty()) {
        status = Status.NOT_COVERED;
      } else if (open.fresh() > 0) {
        status = Status.NON_COMPLIANT;
      } else if (open.stale() > 0 || deciding.stream().anyMatch(r -> staleRules.contains(r.id()))) {
        status = Status.UNKNOWN;
      } else {
        status = Status.COMPLIANT;
      }
      out.add(new ControlState(control, status, deciding.stream().map(RuleDefinition::id).toList(), open));
    }
    return out;
  }
}
