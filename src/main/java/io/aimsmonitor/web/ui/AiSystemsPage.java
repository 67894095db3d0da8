package io.aimsmonitor.web.ui;

import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.AiSystemInventory.AiSystem;
import io.aimsmonitor.web.api.AiSystemsController;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Page 4, AI systems: the inventory, and one page per system with its model versions, datasets,
 * pipelines, owners and the status of every control the loaded rules decide for it. Reads what
 * {@code /api/ai-systems} answers, through the same {@link AiSystemInventory}.
 */
@Controller
public class AiSystemsPage {

  /** What is wrong first: a system's page lists its controls in this order of status, then catalogue order. */
  static final java.util.List<String> STATUS_ORDER = java.util.List.of("non_compliant", "unknown",
      "attestation_required", "compliant");

  private final AiSystemsController api;

  public AiSystemsPage(AiSystemsController api) {
    this.api = api;
  }

  @GetMapping("/ai-systems")
  String list(Model model) {
    model.addAttribute("systems", api.list());
    return "ui/ai-systems";
  }

  /**
   * One system. Its id is a query parameter, not a path segment: ids are model names from the
   * source systems, which may hold {@code /} (Hugging Face's {@code org/model}) or other characters
   * a path cannot carry.
   */
  @GetMapping("/ai-systems/system")
  String system(@RequestParam String id, Model model) {
    AiSystem system = api.get(id); // NoSuchElementException: the error page says which id is unknown
    model.addAttribute("system", system);
    model.addAttribute("controls", system.controls().stream()
        .sorted(java.util.Comparator.comparingInt(c -> STATUS_ORDER.indexOf(c.status()) < 0 ? STATUS_ORDER.size()
            : STATUS_ORDER.indexOf(c.status())))
        .toList());
    return "ui/ai-system";
  }
}
