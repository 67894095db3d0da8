package io.aimsmonitor.rules;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which loaded rules decide each control of the catalogue, and how far: the static half of the
 * Statement of Applicability, shared by docs/rules.md, {@code GET /api/controls} and the
 * {@code controls} command (the status half is {@code finding.ControlAssessment}).
 */
public final class ControlCoverage {

  /**
   * How a control is decided with the loaded rules: never "attestation-only" while a rule decides it.
   * {@code automated}: a rule decides it in full; {@code partly automated}: rules give evidence and a
   * person still judges; {@code attestation-only}: no rule does and the catalogue says only a person
   * can (manual); {@code not automated}: no rule does, though facts could (catalogue automated or partial).
   */
  public enum Automation {
    AUTOMATED("automated"), PARTLY_AUTOMATED("partly automated"), ATTESTATION_ONLY("attestation-only"),
    NOT_AUTOMATED("not automated");

    private final String label;

    Automation(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Automation of(Control.Automation catalogue, String decidedBy) {
      return switch (decidedBy) {
        case "full" -> AUTOMATED;
        case "partial" -> PARTLY_AUTOMATED;
        default -> catalogue == Control.Automation.MANUAL ? ATTESTATION_ONLY : NOT_AUTOMATED;
      };
    }
  }

  /**
   * One control and the rules citing it.
   *
   * @param decidedBy {@code full} when a rule alone decides the control, {@code partial} when
   *     rules cite it but a person must still judge, {@code none} when no rule does
   */
  public record Entry(Control control, Automation automation, List<RuleDefinition> rules, String decidedBy) {
    public Entry {
      rules = List.copyOf(rules);
    }

    public List<String> ruleIds() {
      return rules.stream().map(RuleDefinition::id).toList();
    }
  }

  private ControlCoverage() {}

  /** Every control of the catalogue, in catalogue order, with the rules (by id) that cite it. */
  public static List<Entry> of(ControlCatalog catalog, Collection<RuleDefinition> rules) {
    return catalog.all().stream().map(control -> {
      List<RuleDefinition> citing = rules.stream().filter(r -> r.controls().contains(control.id()))
          .sorted(Comparator.comparing(RuleDefinition::id)).toList();
      String decidedBy = citing.isEmpty() ? "none"
          : citing.stream().anyMatch(r -> r.decides().equals("full")) ? "full" : "partial";
      return new Entry(control, Automation.of(control.automation(), decidedBy), citing, decidedBy);
    }).toList();
  }
}
