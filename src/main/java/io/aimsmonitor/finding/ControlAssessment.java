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
 * place this is decided, for metrics, the API and the Statement of Applicability. The words of
 * {@link Status} are the one vocabulary every output uses (table, JSON, CSV, {@code /api/controls},
 * metrics), documented in docs/controls.md.
 */
public final class ControlAssessment {

  /** The status of a control. {@link #label()} is the word every output shows. */
  public enum Status {
    /** Loaded rules decide it, on fresh evidence, and none has an open finding. */
    COMPLIANT,
    /** An open finding on fresh evidence cites it. */
    NON_COMPLIANT,
    /** No open finding on fresh evidence, but a deciding rule reads stale evidence (or only stale findings are open). */
    UNKNOWN,
    /** Registry, CI or catalog facts could decide it (catalogue: automated or partly), but no loaded rule does. */
    NOT_COVERED,
    /** Only a person can decide it (catalogue: manual) and no loaded rule does: it needs an attestation. */
    ATTESTATION_REQUIRED,
    /** Rules decide it, but no evaluation was run ({@code controls} without {@code --scan}). */
    NOT_EVALUATED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The status of a control no loaded rule decides. */
    public static Status undecided(Control control) {
      return control.automation() == Control.Automation.MANUAL ? ATTESTATION_REQUIRED : NOT_COVERED;
    }

    /** The statuses an evaluation can give (all but {@link #NOT_EVALUATED}). */
    public static List<Status> evaluated() {
      return java.util.Arrays.stream(values()).filter(s -> s != NOT_EVALUATED).toList();
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
        status = Status.undecided(control);
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
