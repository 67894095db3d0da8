package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.review.AiSystemInventory.AiSystem;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingRepository.OpenSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The AI system inventory from facts: one system per registered model by default, or by tag, or
 * by a configured mapping; each with its versions (production marked), training datasets (joined
 * by name in the catalog, runs only within their own source), pipelines (by commit), owners, open
 * and waived findings, and the status of every control the loaded rules decide, for that system.
 */
class AiSystemInventoryTest {

  static final List<Fact> FACTS = FactJson.readList("""
      [
        {"kind": "ModelVersion", "source": "mlflow-prod", "observedAt": "2026-11-01T00:00:00Z", "registry": "mlflow",
         "modelName": "fraud-detector", "version": "7", "stage": "Production", "owners": ["risk-team"],
         "tags": {"aims.system": "acme-pay-fraud"}, "sourceRunId": "r7", "sourceGitCommit": "abcdef1234567"},
        {"kind": "ModelVersion", "source": "mlflow-prod", "observedAt": "2026-11-01T00:00:00Z", "registry": "mlflow",
         "modelName": "fraud-detector", "version": "6", "stage": "Archived", "owners": ["risk-team"],
         "tags": {"aims.system": "acme-pay-fraud"}},
        {"kind": "ModelVersion", "source": "mlflow-prod", "observedAt": "2026-11-01T00:00:00Z", "registry": "mlflow",
         "modelName": "fraud-features", "version": "2", "stage": "Production", "owners": ["data-team"],
         "tags": {"aims.system": "acme-pay-fraud"}},
        {"kind": "ModelVersion", "source": "mlflow-prod", "observedAt": "2026-11-01T00:00:00Z", "registry": "mlflow",
         "modelName": "churn", "version": "4", "stage": "Staging"},
        {"kind": "TrainingRun", "source": "mlflow-prod", "observedAt": "2026-11-01T00:00:00Z", "tracker": "mlflow",
         "runId": "r7", "gitCommit": "abcdef1234567",
         "inputDatasets": [{"name": "payments.tx_2025", "context": "training"}, {"name": "payments.holdout", "context": "test"},
                           {"name": "unknown.table", "context": "training"}]},
        {"kind": "TrainingRun", "source": "other-tracker", "observedAt": "2026-11-01T00:00:00Z", "tracker": "mlflow",
         "runId": "r7", "inputDatasets": [{"name": "wrong.join", "context": "training"}]},
        {"kind": "Dataset", "source": "catalog", "observedAt": "2026-11-01T00:00:00Z", "catalog": "datahub",
         "qualifiedName": "payments.tx_2025", "owners": ["payments-data"]},
        {"kind": "PipelineRun", "source": "ci", "observedAt": "2026-11-01T00:00:00Z", "ciSystem": "github",
         "repository": "acme/fraud", "workflow": "train", "runId": "41", "commitSha": "abcdef1234567890",
         "conclusion": "failure", "finishedAt": "2026-10-01T00:00:00Z"},
        {"kind": "PipelineRun", "source": "ci", "observedAt": "2026-11-01T00:00:00Z", "ciSystem": "github",
         "repository": "acme/fraud", "workflow": "train", "runId": "42", "commitSha": "abcdef1234567890",
         "conclusion": "success", "finishedAt": "2026-10-02T00:00:00Z"}
      ]
      """);

  static final String FRAUD7 = "mlflow-prod:fraud-detector/7";

  AiSystemInventory inventory(AiSystemProperties props) {
    RuleBook book = new RuleBook(Path.of("rules"), new RulePackLoader(ControlCatalog.bundled()), Map.of(),
        Clock.systemUTC());
    book.reload();
    FindingRepository findings = mock(FindingRepository.class);
    when(findings.openSummaries()).thenReturn(List.of(
        new OpenSummary("f1", FRAUD7, Severity.HIGH, false, false, List.of("A.6.2.6")),
        new OpenSummary("f2", "catalog:payments.tx_2025", Severity.MEDIUM, false, false, List.of("A.7.4")),
        new OpenSummary("f3", FRAUD7, Severity.HIGH, false, true, List.of("A.3.2")),
        new OpenSummary("f4", "mlflow-prod:churn/4", Severity.LOW, false, false, List.of("A.6.2.6"))));
    return new AiSystemInventory(props, () -> FACTS, findings, ControlCatalog.bundled(), () -> book.rules().values(),
        Set::of);
  }

  @Test
  void byDefaultOneSystemPerRegisteredModel() {
    List<AiSystem> systems = inventory(AiSystemProperties.defaults()).systems();
    assertThat(systems).extracting(AiSystem::id).containsExactly("churn", "fraud-detector", "fraud-features");
    AiSystem fraud = systems.get(1);
    assertThat(fraud.groupedBy()).isEqualTo("model");
    assertThat(fraud.modelVersions()).extracting(v -> v.version()).containsExactly("6", "7");
    assertThat(fraud.productionVersions()).containsExactly("fraud-detector v7");
    assertThat(fraud.owners()).containsExactly("risk-team");
    // Training data: the run in the same source only; test sets are not training data; unknown names are listed
    assertThat(fraud.trainingDatasets()).extracting(d -> d.name()).containsExactly("payments.tx_2025", "unknown.table");
    assertThat(fraud.trainingDatasets().get(0).owners()).containsExactly("payments-data");
    assertThat(fraud.trainingDatasets().get(1).subjectKey()).as("no catalog knows it").isNull();
    assertThat(fraud.pipelines()).singleElement().satisfies(p -> {
      assertThat(p.latestRunId()).isEqualTo("42");
      assertThat(p.latestConclusion()).isEqualTo("success");
    });
    assertThat(fraud.subjects()).contains(FRAUD7, "mlflow-prod:run/r7", "catalog:payments.tx_2025")
        .doesNotContain("other-tracker:run/r7");
    // Findings: waived apart from open; controls for this system alone.
    assertThat(fraud.findings().open()).isEqualTo(2);
    assertThat(fraud.findings().waived()).isEqualTo(1);
    assertThat(fraud.findings().openBySeverity()).containsEntry("high", 1L).containsEntry("medium", 1L);
    assertThat(fraud.controls()).filteredOn(c -> c.control().equals("A.6.2.6")).singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo("non_compliant"));
    assertThat(fraud.controls()).filteredOn(c -> c.control().equals("A.3.2")).singleElement()
        .satisfies(c -> assertThat(c.status()).as("its only finding is waived").isEqualTo("compliant"));
    assertThat(fraud.controls()).extracting(c -> c.status()).doesNotContain("not_covered");
    assertThat(systems.get(0).findings().open()).isEqualTo(1);
  }

  @Test
  void groupedByTagOrByAConfiguredMapping() {
    List<AiSystem> byTag = inventory(new AiSystemProperties("tag", "aims.system", Map.of())).systems();
    assertThat(byTag).extracting(AiSystem::id).containsExactly("acme-pay-fraud", "churn");
    assertThat(byTag.get(0).groupedBy()).isEqualTo("tag");
    assertThat(byTag.get(0).owners()).containsExactly("risk-team", "data-team");
    assertThat(byTag.get(0).productionVersions()).containsExactly("fraud-detector v7", "fraud-features v2");
    assertThat(byTag.get(1).groupedBy()).as("untagged: its own system").isEqualTo("model");

    AiSystemInventory mapped = inventory(new AiSystemProperties("model", "aims.system",
        Map.of("payments-risk", List.of("fraud-*", "churn"))));
    assertThat(mapped.systems()).extracting(AiSystem::id).containsExactly("payments-risk");
    assertThat(mapped.system("payments-risk").groupedBy()).isEqualTo("mapping");
    assertThat(mapped.subjectKeys("payments-risk")).contains(FRAUD7, "mlflow-prod:churn/4");
    assertThatThrownBy(() -> mapped.subjectKeys("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no AI system 'nope'");
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> new AiSystemProperties("team", "aims.system", Map.of()))
        .hasMessageContaining("aims.ai-systems.group-by must be model or tag");
    assertThatThrownBy(() -> new AiSystemProperties("model", "aims.system", Map.of("x", List.of())))
        .hasMessageContaining("aims.ai-systems.mapping.x");
  }
}
