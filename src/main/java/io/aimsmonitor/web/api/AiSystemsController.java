package io.aimsmonitor.web.api;

import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.AiSystemInventory.AiSystem;
import io.aimsmonitor.review.AiSystemInventory.FindingCounts;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The inventory of AI systems (docs/review.md): what an auditor asks for first. */
@RestController
@RequestMapping("/api/ai-systems")
public class AiSystemsController {

  private final AiSystemInventory inventory;

  public AiSystemsController(AiSystemInventory inventory) {
    this.inventory = inventory;
  }

  /** One AI system in the list; {@code /api/ai-systems/{id}} has everything. */
  public record AiSystemSummary(String id, String groupedBy, List<String> owners, int modelVersions,
      List<String> productionVersions, int trainingDatasets, int pipelines, FindingCounts findings,
      Map<String, Long> controlsByStatus) {
    static AiSystemSummary of(AiSystem s) {
      return new AiSystemSummary(s.id(), s.groupedBy(), s.owners(), s.modelVersions().size(), s.productionVersions(),
          s.trainingDatasets().size(), s.pipelines().size(), s.findings(), s.controlsByStatus());
    }
  }

  @GetMapping
  public List<AiSystemSummary> list() {
    return inventory.systems().stream().map(AiSystemSummary::of).toList();
  }

  @GetMapping("/{id}")
  public AiSystem get(@PathVariable String id) {
    return inventory.system(id);
  }
}
