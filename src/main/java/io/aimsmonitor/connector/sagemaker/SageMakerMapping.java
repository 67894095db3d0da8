package io.aimsmonitor.connector.sagemaker;

import static io.aimsmonitor.connector.registry.JsonFields.text;
import static io.aimsmonitor.connector.registry.JsonFields.textList;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelPackageResponse;
import software.amazon.awssdk.services.sagemaker.model.MetricsSource;
import software.amazon.awssdk.services.sagemaker.model.ModelMetrics;
import software.amazon.awssdk.services.sagemaker.model.UserContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one described model package into a {@link ModelVersion}. The stage comes from the
 * package's {@code ModelLifeCycle.Stage}, else the customer metadata property {@code stage}; see
 * {@link SageMakerConnector} for the "latest approved is production" convention.
 */
final class SageMakerMapping {

  static final String REGISTRY = "sagemaker";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String connectorId;
  private final boolean registeredByIsOwner;

  /** @param registeredByIsOwner whether {@code CreatedBy} counts as owner when no owner is named (opt-in) */
  SageMakerMapping(String connectorId, boolean registeredByIsOwner) {
    this.connectorId = connectorId;
    this.registeredByIsOwner = registeredByIsOwner;
  }

  /** The stage the package records itself, or null: the lifecycle stage wins over customer metadata. */
  static String recordedStage(DescribeModelPackageResponse p) {
    String lifecycle = p.modelLifeCycle() == null ? null : p.modelLifeCycle().stage();
    return Conventions.firstNonBlank(lifecycle, p.customerMetadataProperties().get("stage"));
  }

  /**
   * @param conventionalAliases aliases the connector derived from the package's place in its group
   */
  ModelVersion toFact(DescribeModelPackageResponse p, List<String> conventionalAliases, Instant observedAt)
      throws ConnectorException {
    Map<String, String> metadata = p.customerMetadataProperties();
    Map<String, String> tags = new LinkedHashMap<>(metadata);
    Conventions.putIfPresent(tags, "sagemaker.arn", p.modelPackageArn());
    Conventions.putIfPresent(tags, "sagemaker.status", p.modelPackageStatusAsString());
    Conventions.putIfPresent(tags, "sagemaker.approvalStatus", p.modelApprovalStatusAsString());
    Conventions.putIfPresent(tags, "sagemaker.approvalDescription", p.approvalDescription());
    Conventions.putIfPresent(tags, "sagemaker.createdBy", user(p.createdBy()));
    Conventions.putIfPresent(tags, "sagemaker.lastModifiedBy", user(p.lastModifiedBy()));
    Conventions.putIfPresent(tags, "sagemaker.domain", p.domain());
    Conventions.putIfPresent(tags, "sagemaker.task", p.task());
    Conventions.putIfPresent(tags, "sagemaker.sourceUri", p.sourceUri());
    if (p.metadataProperties() != null) {
      Conventions.putIfPresent(tags, "sagemaker.repository", p.metadataProperties().repository());
      Conventions.putIfPresent(tags, "sagemaker.generatedBy", p.metadataProperties().generatedBy());
      Conventions.putIfPresent(tags, "sagemaker.projectId", p.metadataProperties().projectId());
    }
    if (p.modelLifeCycle() != null) {
      Conventions.putIfPresent(tags, "sagemaker.lifecycle.stage", p.modelLifeCycle().stage());
      Conventions.putIfPresent(tags, "sagemaker.lifecycle.stageStatus", p.modelLifeCycle().stageStatus());
      Conventions.putIfPresent(tags, "sagemaker.lifecycle.stageDescription", p.modelLifeCycle().stageDescription());
    }
    Map<String, String> reports = metricReports(p.modelMetrics());
    reports.forEach((name, uri) -> tags.put("sagemaker.metrics." + name, uri));

    List<String> aliases = new ArrayList<>(Conventions.commaList(metadata.get("aliases")));
    conventionalAliases.stream().filter(a -> !aliases.contains(a)).forEach(aliases::add);
    String version = p.modelPackageVersion() == null ? p.modelPackageName() : p.modelPackageVersion().toString();
    String name = p.modelPackageGroupName() != null ? p.modelPackageGroupName() : p.modelPackageName();
    if (name == null || version == null) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': DescribeModelPackage for "
          + p.modelPackageArn() + " returned no group name, package name or version");
    }
    String registeredBy = user(p.createdBy());
    List<String> owners = Conventions.owners(Conventions.commaList(metadata.get("owner")), registeredBy,
        registeredByIsOwner, tags);
    return new ModelVersion(connectorId, p.modelPackageArn(), observedAt, REGISTRY, name, version, recordedStage(p),
        aliases, owners, registeredBy, p.modelPackageDescription(), tags,
        p.metadataProperties() == null ? null : p.metadataProperties().generatedBy(), null,
        p.metadataProperties() == null ? null : p.metadataProperties().commitId(),
        approval(p, registeredBy), p.creationTime(), p.lastModifiedTime(),
        null, card(p, reports), null);
  }

  /**
   * The package's approval. SageMaker records who last modified a package, not who approved it: an
   * approved package that nobody but its creator ever changed was approved by the account that
   * registered it ({@code CreateModelPackage} with {@code ModelApprovalStatus=Approved}), which is
   * {@code SELF_APPROVED}, not an approval by somebody accountable.
   */
  static String approval(DescribeModelPackageResponse p, String registeredBy) {
    String status = Conventions.approvalStatus(p.modelApprovalStatusAsString());
    if (!"APPROVED".equals(status) || registeredBy == null) {
      return status;
    }
    String modifiedBy = user(p.lastModifiedBy());
    return modifiedBy == null || Conventions.selfApproved(modifiedBy, registeredBy) ? Conventions.SELF_APPROVED
        : status;
  }

  /**
   * The package's model card ({@code ModelCard.ModelCardContent}, the SageMaker model card JSON
   * schema): intended use, caveats, evaluation and training details. Null when the package has no card.
   */
  private ModelCard card(DescribeModelPackageResponse p, Map<String, String> reports) throws ConnectorException {
    if (p.modelCard() == null || p.modelCard().modelCardContent() == null) {
      return null;
    }
    JsonNode content;
    try {
      content = JSON.readTree(p.modelCard().modelCardContent());
    } catch (JacksonException e) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': model card of "
          + p.modelPackageArn() + " is not valid JSON: " + e.getOriginalMessage());
    }
    JsonNode uses = content.get("intended_uses");
    JsonNode info = content.get("additional_information");
    JsonNode training = content.get("training_details");
    String intendedUse = Conventions.firstNonBlank(text(uses, "intended_uses"), text(uses, "purpose_of_model"));
    String limitations = Conventions.firstNonBlank(text(info, "caveats_and_recommendations"),
        text(uses, "factors_affecting_model_efficiency"));
    String metrics = evaluation(content.get("evaluation_details"));
    if (metrics == null && !reports.isEmpty()) {
      metrics = String.join("; ", reports.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
    }
    List<String> datasets = training == null || training.get("training_job_details") == null ? List.of()
        : textList(training.get("training_job_details"), "training_datasets");
    String trainingData = Conventions.firstNonBlank(datasets.isEmpty() ? null : String.join(", ", datasets),
        text(training, "training_observations"));
    return new ModelCard(intendedUse, limitations, metrics, trainingData, p.modelPackageArn());
  }

  /** {@code evaluation_details[].metric_groups[].metric_data[]} as "name=value; ...", or null. */
  private static String evaluation(JsonNode details) {
    if (details == null || !details.isArray()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode evaluation : details) {
      JsonNode groups = evaluation.get("metric_groups");
      if (groups == null || !groups.isArray()) {
        continue;
      }
      for (JsonNode group : groups) {
        JsonNode data = group.get("metric_data");
        if (data != null && data.isArray()) {
          for (JsonNode m : data) {
            if (text(m, "name") != null && text(m, "value") != null) {
              parts.add(text(m, "name") + "=" + text(m, "value"));
            }
          }
        }
      }
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** Which evaluation reports the package links, by {@code Group.Kind} (e.g. {@code ModelQuality.Statistics}). */
  static Map<String, String> metricReports(ModelMetrics metrics) {
    Map<String, String> out = new LinkedHashMap<>();
    if (metrics == null) {
      return out;
    }
    if (metrics.modelQuality() != null) {
      report(out, "ModelQuality.Statistics", metrics.modelQuality().statistics());
      report(out, "ModelQuality.Constraints", metrics.modelQuality().constraints());
    }
    if (metrics.modelDataQuality() != null) {
      report(out, "ModelDataQuality.Statistics", metrics.modelDataQuality().statistics());
      report(out, "ModelDataQuality.Constraints", metrics.modelDataQuality().constraints());
    }
    if (metrics.bias() != null) {
      report(out, "Bias.Report", metrics.bias().report());
      report(out, "Bias.PreTrainingReport", metrics.bias().preTrainingReport());
      report(out, "Bias.PostTrainingReport", metrics.bias().postTrainingReport());
    }
    if (metrics.explainability() != null) {
      report(out, "Explainability.Report", metrics.explainability().report());
    }
    return out;
  }

  private static void report(Map<String, String> out, String name, MetricsSource source) {
    if (source != null && source.s3Uri() != null) {
      out.put(name, source.s3Uri());
    }
  }

  private static String user(UserContext user) {
    if (user == null) {
      return null;
    }
    return Conventions.firstNonBlank(user.userProfileName(), user.userProfileArn(),
        user.iamIdentity() == null ? null : user.iamIdentity().arn());
  }

}
