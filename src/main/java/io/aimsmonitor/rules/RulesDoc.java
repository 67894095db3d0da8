package io.aimsmonitor.rules;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import java.util.Comparator;
import java.util.List;

/**
 * Generates docs/rules.md from the loaded packs: the packs, every rule with its controls, and
 * the coverage of each ISO 42001 control. RulesDocTest fails when the committed file differs and
 * says how to regenerate it, so the document cannot drift from the rules.
 */
public final class RulesDoc {

  /** The command that rewrites docs/rules.md, printed by the test when the file is out of date. */
  public static final String REGENERATE = "./mvnw -q test -Dtest=RulesDocTest -Daims.regenerate=true";

  private RulesDoc() {}

  public static String markdown(List<RulePack> packs, ControlCatalog catalog) {
    List<RulePack> sorted = packs.stream().sorted(Comparator.comparing(RulePack::name)).toList();
    List<RuleDefinition> rules = sorted.stream().flatMap(p -> p.rules().stream()).toList();
    StringBuilder md = new StringBuilder();
    md.append("# Rules and the ISO/IEC 42001 controls they decide\n\n");
    md.append("<!-- Generated from rules/*/ by io.aimsmonitor.rules.RulesDoc. Do not edit: run\n     ")
        .append(REGENERATE).append(" -->\n\n");
    md.append(sorted.size()).append(" packs, ").append(rules.size()).append(" rules. How to write, test and")
        .append(" tune rules: [writing-rules.md](writing-rules.md). Titles of controls are paraphrases (the")
        .append(" standard is not public). *Decides*: `full` when the rule alone decides the control for its")
        .append(" subject, `partial` when a person must still judge.\n\n");

    md.append("## Packs\n\n| pack | version | rules | parameters | description |\n|---|---|---|---|---|\n");
    for (RulePack p : sorted) {
      md.append("| ").append(p.name()).append(" | ").append(p.version() == null ? "" : p.version()).append(" | ")
          .append(p.rules().size()).append(" | ")
          .append(String.join(", ", p.parameters().values().stream()
              .sorted(Comparator.comparing(PackParameter::name)) // Map.copyOf has no stable order
              .map(x -> "`" + x.name() + "` = " + cell(String.valueOf(x.defaultValue()))).toList()))
          .append(" | ").append(cell(p.description())).append(" |\n");
    }

    md.append("\n## Rules\n");
    for (RulePack p : sorted) {
      md.append("\n### ").append(p.name()).append("\n\n| rule | title | severity | controls | decides |\n|---|---|---|---|---|\n");
      for (RuleDefinition r : p.rules()) {
        md.append("| `").append(r.id()).append("` | ").append(cell(r.title())).append(" | ").append(r.severity().label())
            .append(" | ").append(String.join(", ", r.controls())).append(" | ").append(r.decides()).append(" |\n");
      }
    }

    List<ControlCoverage.Entry> coverage = ControlCoverage.of(catalog, rules);
    md.append("\n## Coverage per control\n\n");
    md.append("*Automation* is how the control is decided with these packs: automated (a rule decides it in full),")
        .append(" partly automated (rules give evidence, a person still judges), attestation-only (no rule does and the")
        .append(" catalogue says only a person can: tracked through attestations or document review), not automated")
        .append(" (no rule does, though facts could); *decided* is the strongest `@decides` of its rules")
        .append(" ([controls.md](controls.md)).\n");
    for (Control.Part part : Control.Part.values()) {
      List<ControlCoverage.Entry> entries = coverage.stream().filter(e -> e.control().part() == part).toList();
      long covered = entries.stream().filter(e -> !e.rules().isEmpty()).count();
      md.append("\n### ").append(part == Control.Part.ANNEX_A ? "Annex A controls" : "Clauses 4-10")
          .append(" (").append(covered).append(" of ").append(entries.size()).append(" decided by rules)\n\n")
          .append("| control | title | automation | decided | rules |\n|---|---|---|---|---|\n");
      for (ControlCoverage.Entry e : entries) {
        md.append("| ").append(e.control().id()).append(" | ").append(cell(e.control().title())).append(" | ")
            .append(e.automation().label()).append(" | ").append(e.decidedBy()).append(" | ")
            .append(String.join(", ", e.ruleIds().stream().map(id -> "`" + id + "`").toList())).append(" |\n");
      }
    }
    return md.toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replaceAll("\\s+", " ").trim();
  }
}
