package io.aimsmonitor.connector.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.mlflow.MlflowApi.RegisteredModel;
import io.aimsmonitor.connector.mlflow.MlflowApi.Version;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The owner, approval and model-card conventions of docs/facts.md (mlflow). */
class MlflowMapperTest {

  private static final RegisteredModel BARE_MODEL = new RegisteredModel("m", null, Map.of(), Map.of(), null);

  @Test
  void cardTagsWinOverDescriptionsAndVersionsOverModels() {
    RegisteredModel model = new RegisteredModel("m", "## Limitations\nmodel-level\n## Intended use\nmodel use",
        Map.of("model_card.url", "https://model"), Map.of(), null);
    Version v = version(Map.of("model_card.limitations", " tag-level "), "## Intended use\nversion use", null);

    assertThat(MlflowMapper.card(v, model))
        .isEqualTo(new ModelCard("version use", "tag-level", null, null, "https://model"));
    assertThat(MlflowMapper.card(version(Map.of(), "plain words, no headings", null), BARE_MODEL)).isNull();
  }

  @Test
  void approvalComesFromTagsThenTheDeploymentJob() {
    assertThat(MlflowMapper.approval(version(Map.of("approval_status", " pending "), null, "SUCCEEDED")))
        .isEqualTo("PENDING");
    assertThat(MlflowMapper.approval(version(Map.of("approved_by", "risk-board"), null, null))).isEqualTo("APPROVED");
    assertThat(MlflowMapper.approval(version(Map.of("approved_by", " "), null, null))).isNull();
    assertThat(MlflowMapper.approval(version(Map.of(), null, "APPROVAL"))).isEqualTo("PENDING");
    assertThat(MlflowMapper.approval(version(Map.of(), null, "SUCCEEDED"))).isEqualTo("APPROVED");
    assertThat(MlflowMapper.approval(version(Map.of(), null, "FAILED"))).isNull();
    assertThat(MlflowMapper.approval(version(Map.of(), null, null))).isNull();
  }

  @Test
  void ownersComeOnlyFromOwnerTagsNeverFromTheRegisteringAccount() {
    RegisteredModel tagged = new RegisteredModel("m", null, Map.of("owner", "risk-ml, ,ops@example.com,risk-ml"),
        Map.of(), null);
    assertThat(MlflowMapper.owners(version(Map.of(), null, null), tagged)).containsExactly("risk-ml", "ops@example.com");
    assertThat(MlflowMapper.owners(version(Map.of("owner", "eve"), null, null), tagged)).containsExactly("eve");
    assertThat(MlflowMapper.owners(version(Map.of(), null, null), BARE_MODEL))
        .as("user_id records who registered the version, not who is accountable").isEmpty();

    MlflowMapper mapper = new MlflowMapper("s", URI.create("http://mlflow:5000"), Instant.EPOCH);
    ModelVersion fact = mapper.version(version(Map.of(), null, null), BARE_MODEL, null);
    assertThat(fact.owners()).isEmpty();
    assertThat(fact.registeredBy()).isEqualTo("creator@example.com");

    MlflowMapper optedIn = new MlflowMapper("s", URI.create("http://mlflow:5000"), Instant.EPOCH, null, true);
    ModelVersion counted = optedIn.version(version(Map.of(), null, null), BARE_MODEL, null);
    assertThat(counted.owners()).as("registeredByIsOwner: true").containsExactly("creator@example.com");
    assertThat(counted.tags()).containsEntry("aims.ownersFrom", "registeredBy");
    assertThat(optedIn.version(version(Map.of("owner", "eve"), null, null), BARE_MODEL, null).owners())
        .as("an explicit owner still wins").containsExactly("eve");
  }

  @Test
  void anApprovalByTheRegisteringAccountIsNotAnApproval() {
    assertThat(MlflowMapper.approval(version(Map.of("approved_by", "Creator@example.com "), null, null)))
        .isEqualTo("SELF_APPROVED");
  }

  @Test
  void datasetSourcesAreReadFromMlflowsJsonOrKeptAsTheyAre() {
    assertThat(MlflowMapper.datasetUri("{\"uri\": \"s3://lake/t.parquet\"}")).isEqualTo("s3://lake/t.parquet");
    assertThat(MlflowMapper.datasetUri("{\"url\": \"https://data.example.com/t.csv\"}"))
        .isEqualTo("https://data.example.com/t.csv");
    assertThat(MlflowMapper.datasetUri("{\"path\": \"imdb\", \"split\": \"train\"}")).isEqualTo("imdb");
    assertThat(MlflowMapper.datasetUri("{\"delta_table_name\": \"main.s.t\"}")).isEqualTo("main.s.t");
    assertThat(MlflowMapper.datasetUri("/dbfs/tmp/x.parquet")).isEqualTo("/dbfs/tmp/x.parquet");
    assertThat(MlflowMapper.datasetUri(null)).isNull();
  }

  @Test
  void linksEncodeNamesAndStageNoneIsNoStage() {
    MlflowMapper mapper = new MlflowMapper("s", URI.create("http://mlflow:5000"), Instant.EPOCH);
    assertThat(mapper.versionUrl("fraud detector/eu", "3"))
        .isEqualTo("http://mlflow:5000/#/models/fraud%20detector%2Feu/versions/3");
    assertThat(mapper.runUrl(null, "abc")).isNull();
    assertThat(MlflowMapper.stage("None")).isNull();
    assertThat(MlflowMapper.stage("Production")).isEqualTo("Production");
  }

  private static Version version(Map<String, String> tags, String description, String deploymentRunState) {
    return new Version("m", "1", null, null, "creator@example.com", "None", description, null, null, "READY", tags,
        List.of(), null, deploymentRunState, Map.of());
  }
}
