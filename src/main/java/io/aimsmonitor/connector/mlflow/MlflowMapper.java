package io.aimsmonitor.connector.mlflow;

import io.aimsmonitor.connector.mlflow.MlflowApi.RegisteredModel;
import io.aimsmonitor.connector.mlflow.MlflowApi.Run;
import io.aimsmonitor.connector.mlflow.MlflowApi.Version;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.connector.registry.MarkdownCard;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import io.aimsmonitor.fact.TrainingRun;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps MLflow objects to facts. MLflow has no owner, approval or model-card fields, so these follow
 * tag and description conventions, documented in docs/facts.md (section mlflow):
 *
 * <ul>
 *   <li>owners: version tag {@code owner}, else registered-model tag {@code owner} (comma separated);
 *       the version's {@code user_id} is who registered it ({@code registeredBy}), an owner only where
 *       the instance opted in with {@code registeredByIsOwner};
 *   <li>approval: version tag {@code approval_status}, else {@code APPROVED} when the version tag
 *       {@code approved_by} names somebody other than the registering account ({@code SELF_APPROVED}
 *       when it names that account), else the MLflow 3 deployment job's state;
 *   <li>model card: tags {@code model_card.<section>} (version over registered model), else Markdown
 *       sections of the registered model's and the version's descriptions.
 * </ul>
 */
final class MlflowMapper {

  static final String REGISTRY = "mlflow";
  static final String TAG_GIT_COMMIT = "mlflow.source.git.commit";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String source;
  private final URI uiUrl;
  private final Instant observedAt;
  private final String namespace;
  private final boolean registeredByIsOwner;
  /** Card sections of each registered model's description, parsed once per run rather than once per version. */
  private final Map<String, Map<String, String>> modelSections = new HashMap<>();

  /** One mapper per collection run, used from the collecting thread only. */
  MlflowMapper(String source, URI uiUrl, Instant observedAt) {
    this(source, uiUrl, observedAt, null, false);
  }

  /**
   * @param namespace the namespace of this server's run ids; null for the instance id
   * @param registeredByIsOwner whether {@code user_id} counts as owner when no owner tag exists (opt-in)
   */
  MlflowMapper(String source, URI uiUrl, Instant observedAt, String namespace, boolean registeredByIsOwner) {
    this.source = source;
    this.uiUrl = uiUrl;
    this.observedAt = observedAt;
    this.namespace = namespace;
    this.registeredByIsOwner = registeredByIsOwner;
  }

  /**
   * The version as a fact.
   *
   * @param model its registered model (tags, aliases, description)
   * @param gitCommit the source run's {@code mlflow.source.git.commit}, null when not fetched or not recorded
   */
  ModelVersion version(Version v, RegisteredModel model, String gitCommit) {
    Map<String, String> tags = new TreeMap<>(model.tags());
    tags.putAll(v.tags());
    if (v.status() != null) {
      tags.put("mlflow.status", v.status());
    }
    if (v.modelId() != null) {
      tags.put("mlflow.model_id", v.modelId());
    }
    if (v.deploymentRunState() != null) {
      tags.put("mlflow.deployment_job.run_state", v.deploymentRunState());
    }
    v.modelMetrics().forEach((key, value) -> tags.put("mlflow.model_metric." + key, format(value)));

    Set<String> aliases = new LinkedHashSet<>(v.aliases());
    aliases.addAll(model.aliases().getOrDefault(v.version(), List.of()));

    String commit = gitCommit != null ? gitCommit : blankToNull(v.tags().get(TAG_GIT_COMMIT));
    String registeredBy = blankToNull(v.userId()) == null ? null : v.userId().strip();
    List<String> owners = Conventions.owners(owners(v, model), registeredBy, registeredByIsOwner, tags);
    return new ModelVersion(source, versionUrl(v.name(), v.version()), observedAt, REGISTRY, v.name(), v.version(),
        stage(v.currentStage()), aliases.stream().sorted().toList(), owners, registeredBy, v.description(), tags,
        v.runId(), namespace, commit, approval(v), v.createdAt(), v.updatedAt(), null,
        card(v, model, modelSections.computeIfAbsent(model.name(), n -> MarkdownCard.sections(model.description()))),
        null);
  }

  TrainingRun run(Run run) {
    String user = blankToNull(run.tags().get("mlflow.user"));
    String runName = run.runName() != null ? run.runName() : blankToNull(run.tags().get("mlflow.runName"));
    List<TrainingRun.DatasetInput> inputs = run.datasets().stream()
        .map(d -> new TrainingRun.DatasetInput(d.name(), d.digest(), datasetUri(d.source()), d.context()))
        .toList();
    return new TrainingRun(source, runUrl(run.experimentId(), run.runId()), observedAt, REGISTRY, namespace, run.runId(),
        run.experimentId(), runName, run.status(), user != null ? user : run.userId(), run.metrics(), run.params(),
        run.tags(), blankToNull(run.tags().get(TAG_GIT_COMMIT)), inputs, run.startTime(), run.endTime());
  }

  /** {@code {ui}/#/models/{name}/versions/{version}}, the MLflow UI's model version page. */
  String versionUrl(String name, String version) {
    return uiUrl + "/#/models/" + pathSegment(name) + "/versions/" + pathSegment(version);
  }

  /** {@code {ui}/#/experiments/{experiment}/runs/{run}}; null when the run's experiment is unknown. */
  String runUrl(String experimentId, String runId) {
    return experimentId == null ? null : uiUrl + "/#/experiments/" + pathSegment(experimentId) + "/runs/"
        + pathSegment(runId);
  }

  /** MLflow's stage {@code None} means "no stage". */
  static String stage(String currentStage) {
    return currentStage == null || currentStage.equalsIgnoreCase("none") ? null : currentStage;
  }

  /** The explicit owners: version tag {@code owner}, else the registered model's. Never {@code user_id}. */
  static List<String> owners(Version v, RegisteredModel model) {
    for (String tagged : new String[] {v.tags().get("owner"), model.tags().get("owner")}) {
      List<String> owners = Conventions.commaList(tagged).stream().distinct().toList();
      if (!owners.isEmpty()) {
        return owners;
      }
    }
    return List.of();
  }

  static String approval(Version v) {
    String status = Conventions.approvalStatus(v.tags().get("approval_status"));
    if (status != null) {
      return status;
    }
    String approvedBy = blankToNull(v.tags().get("approved_by"));
    if (approvedBy != null) {
      // the registering account approving its own version is one account acting twice
      return Conventions.selfApproved(approvedBy, v.userId()) ? Conventions.SELF_APPROVED : "APPROVED";
    }
    if (v.deploymentRunState() == null) {
      return null;
    }
    // MLflow 3 deployment jobs: APPROVAL waits for an approver; SUCCEEDED ran past the approval task
    return switch (v.deploymentRunState()) {
      case "APPROVAL", "PENDING", "RUNNING" -> "PENDING";
      case "SUCCEEDED" -> "APPROVED";
      default -> null;
    };
  }

  /**
   * The model card: tags {@code model_card.intended_use}, {@code .limitations}, {@code .metrics},
   * {@code .training_data}, {@code .url} (a version tag over the registered model's), else Markdown
   * sections of the descriptions (the version's over the registered model's) whose headings name
   * the section. Null when neither has any section.
   */
  static ModelCard card(Version v, RegisteredModel model) {
    return card(v, model, MarkdownCard.sections(model.description()));
  }

  private static ModelCard card(Version v, RegisteredModel model, Map<String, String> modelDescriptionSections) {
    Map<String, String> sections = new LinkedHashMap<>(modelDescriptionSections);
    MarkdownCard.sections(v.description()).forEach(sections::put);
    for (Map<String, String> tags : List.of(model.tags(), v.tags())) {
      for (String section : List.of(MarkdownCard.INTENDED_USE, MarkdownCard.LIMITATIONS, MarkdownCard.METRICS,
          MarkdownCard.TRAINING_DATA, "url")) {
        String value = tags.get("model_card." + section);
        if (value != null) {
          sections.put(section, value.strip());
        }
      }
    }
    if (sections.isEmpty()) {
      return null;
    }
    return new ModelCard(sections.get(MarkdownCard.INTENDED_USE), sections.get(MarkdownCard.LIMITATIONS),
        sections.get(MarkdownCard.METRICS), sections.get(MarkdownCard.TRAINING_DATA), sections.get("url"));
  }

  /**
   * The dataset's location: MLflow stores {@code Dataset.source} as a JSON string such as
   * {@code {"uri": "s3://..."}}, {@code {"url": ...}} (HTTP), {@code {"path": ...}} (Hugging Face),
   * or {@code {"delta_table_name": ...}}; anything else is kept as it is.
   */
  static String datasetUri(String source) {
    if (source == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(source);
      if (node.isObject()) {
        for (String field : List.of("uri", "url", "path", "delta_table_name", "table_name")) {
          JsonNode value = node.get(field);
          if (value != null && value.isString() && !value.stringValue().isBlank()) {
            return value.stringValue();
          }
        }
      }
    } catch (JacksonException e) {
      // not JSON: a plain location
    }
    return source;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String format(Double value) {
    return value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15
        ? Long.toString(value.longValue()) : value.toString();
  }

  private static String pathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
