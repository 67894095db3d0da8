package io.aimsmonitor.web.ui;

import io.aimsmonitor.web.api.RulesController;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Page 7, rule packs: the packs in force with every rule's metadata (controls, crosswalk,
 * severity, rationale, remediation) and the last evaluation's verdict on each pack, and the
 * rejected packs with the compiler's messages. The same view as {@code GET /api/rules}.
 */
@Controller
public class RulePacksPage {

  private final RulesController api;

  public RulePacksPage(RulesController api) {
    this.api = api;
  }

  @GetMapping("/rule-packs")
  String list(Model model) {
    RulesController.RulesView view = api.list();
    model.addAttribute("packs", view.packs());
    model.addAttribute("rejected", view.rejected());
    model.addAttribute("ruleCount", view.packs().stream().mapToInt(p -> p.rules().size()).sum());
    return "ui/rule-packs";
  }
}
