package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One version of a registered model in a model registry (MLflow, Kubeflow Model Registry,
 * SageMaker model package, Hugging Face model revision).
 *
 * @param registry registry product, e.g. {@code mlflow}, {@code sagemaker}, {@code huggingface}
 * @param stage legacy lifecycle stage (MLflow {@code current_stage}), null when the registry has none
 * @param aliases aliases pointing at this version, e.g. {@code champion}
 * @param owners people or groups someone named accountable for the model (owner tags, catalog
 *     ownership, a role attestation); empty when nobody was named. Never the account that registered it.
 * @param registeredBy the account that registered the version (MLflow {@code user_id}, Kubeflow
 *     {@code author}, SageMaker {@code CreatedBy}): who acted, which is not who is accountable; null if unknown
 * @param sourceRunId id of the training run that produced the version, within {@code sourceRunNamespace}
 * @param sourceRunNamespace the tracking server, account or workspace {@code sourceRunId} lives in (see
 *     {@link Ref}); null means the version's own source, which the constructor fills in
 * @param sourceGitCommit commit of the training code (joins {@link PipelineRun#commitSha()}); null if unknown
 * @param approvalStatus approval recorded in the registry ({@code APPROVED}, {@code PENDING}, {@code REJECTED}), null if none
 * @param promotedAt when the version reached production (stage transition or alias set), null if unknown
 * @param card model card sections, null when the version has no card at all
 * @param supplier third-party provenance, null for models built in-house
 */
public record ModelVersion(
    String source,
    String sourceUrl,
    Instant observedAt,
    String registry,
    String modelName,
    String version,
    String stage,
    List<String> aliases,
    List<String> owners,
    String registeredBy,
    String description,
    Map<String, String> tags,
    String sourceRunId,
    String sourceRunNamespace,
    String sourceGitCommit,
    String approvalStatus,
    Instant createdAt,
    Instant updatedAt,
    Instant promotedAt,
    ModelCard card,
    SupplierInfo supplier)
    implements Fact {

  /** Aliases that mean "serving production traffic" when a registry uses aliases instead of stages. */
  public static final Set<String> PRODUCTION_ALIASES = Set.of("champion", "prod", "production");

  public ModelVersion {
    aliases = aliases == null ? List.of() : List.copyOf(Strings.share(aliases));
    owners = owners == null ? List.of() : List.copyOf(Strings.share(owners));
    tags = tags == null ? Map.of() : Map.copyOf(Strings.shareKeys(tags, true));
    source = Strings.share(source); // values that repeat across versions: one string each (Strings)
    registry = Strings.share(registry);
    modelName = Strings.share(modelName);
    version = Strings.share(version);
    stage = Strings.share(stage);
    registeredBy = Strings.share(registeredBy);
    description = Strings.share(description);
    approvalStatus = Strings.share(approvalStatus);
    sourceRunNamespace = sourceRunNamespace == null || sourceRunNamespace.isBlank() ? source
        : Strings.share(sourceRunNamespace);
  }

  /**
   * The training run the version names, qualified by the namespace it lives in; null when it names
   * none. Join it with {@link TrainingRun#ref()}, never on the bare id.
   */
  @JsonIgnore // derived, not stored
  public Ref sourceRun() {
    return Ref.of(sourceRunNamespace, sourceRunId);
  }

  /**
   * True when the version serves production: legacy stage {@code Production}, or one of
   * {@link #PRODUCTION_ALIASES}. Registries that only know "approved" (SageMaker) map their
   * deployment state into stage or aliases in the connector.
   */
  @JsonIgnore // derived, not stored: a snapshot holds only the record components
  public boolean isProduction() {
    if (stage != null && stage.equalsIgnoreCase("production")) {
      return true;
    }
    return aliases.stream().map(a -> a.toLowerCase(Locale.ROOT)).anyMatch(PRODUCTION_ALIASES::contains);
  }

  /**
   * The AI system this version belongs to: the {@code aims.system} tag if set, else the model
   * name. Attestations (impact and risk assessments) are made per AI system.
   */
  public String system() {
    String tagged = tags.get("aims.system");
    return tagged == null || tagged.isBlank() ? modelName : tagged;
  }

  public String tag(String key) {
    return tags.get(key);
  }

  @Override
  public Subject subject() {
    return new Subject("ModelVersion", source + ":" + modelName + "/" + version,
        modelName + " v" + version, sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof ModelVersion o && Objects.equals(source, o.source)
        && Objects.equals(sourceUrl, o.sourceUrl) && Objects.equals(registry, o.registry)
        && Objects.equals(modelName, o.modelName) && Objects.equals(version, o.version)
        && Objects.equals(stage, o.stage) && Objects.equals(aliases, o.aliases) && Objects.equals(owners, o.owners)
        && Objects.equals(registeredBy, o.registeredBy) && Objects.equals(description, o.description)
        && Objects.equals(tags, o.tags) && Objects.equals(sourceRunId, o.sourceRunId)
        && Objects.equals(sourceRunNamespace, o.sourceRunNamespace)
        && Objects.equals(sourceGitCommit, o.sourceGitCommit) && Objects.equals(approvalStatus, o.approvalStatus)
        && Objects.equals(createdAt, o.createdAt) && Objects.equals(updatedAt, o.updatedAt)
        && Objects.equals(promotedAt, o.promotedAt) && Objects.equals(card, o.card)
        && Objects.equals(supplier, o.supplier);
  }

  @Override
  public ModelVersion withOrigin(String source, Instant observedAt) {
    // a namespace that only defaulted to the old source follows the fact to its new source
    String namespace = Objects.equals(sourceRunNamespace, this.source) ? null : sourceRunNamespace;
    return new ModelVersion(source, sourceUrl, observedAt, registry, modelName, version, stage, aliases,
        owners, registeredBy, description, tags, sourceRunId, namespace, sourceGitCommit, approvalStatus, createdAt,
        updatedAt, promotedAt, card, supplier);
  }

  /**
   * Model card sections. A null section is missing; an empty one was present but blank: rules
   * treat both as missing, but evidence shows which it was.
   */
  public record ModelCard(String intendedUse, String limitations, String metrics, String trainingData,
      String url) {}

  /** Where a third-party model came from (control A.10.3). */
  public record SupplierInfo(String supplier, String license, String revision, String baseModel,
      List<String> datasets, boolean gated, boolean privateRepo) {
    public SupplierInfo {
      datasets = datasets == null ? List.of() : List.copyOf(datasets);
    }
  }
}
