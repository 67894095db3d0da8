package io.aimsmonitor.connector.kubeflow;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.connector.registry.MarkdownCard;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import io.aimsmonitor.fact.ModelVersion.SupplierInfo;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Turns one Kubeflow model version, its registered model and its artifacts into a
 * {@link ModelVersion} fact. The custom properties read by convention are listed in
 * docs/connectors.md ({@code stage}, {@code aliases}, {@code owner}, {@code approval_status} /
 * {@code approved}, {@code git_commit}, {@code run_id}, {@code promoted_at}, {@code base_model}).
 */
final class KubeflowMapping {

  static final String REGISTRY = "kubeflow";

  private final String connectorId;
  private final String apiRoot;
  private final URI uiUrl;
  private final boolean registeredByIsOwner;

  /**
   * @param apiRoot the REST root, {@code <baseUrl>/api/model_registry/v1alpha3}, for links when there is no UI URL
   * @param uiUrl the Kubeflow dashboard's page of this registry, or null
   */
  KubeflowMapping(String connectorId, String apiRoot, URI uiUrl) {
    this(connectorId, apiRoot, uiUrl, false);
  }

  /** @param registeredByIsOwner whether the version's {@code author} counts as owner when none is named (opt-in) */
  KubeflowMapping(String connectorId, String apiRoot, URI uiUrl, boolean registeredByIsOwner) {
    this.connectorId = connectorId;
    this.apiRoot = apiRoot;
    this.uiUrl = uiUrl;
    this.registeredByIsOwner = registeredByIsOwner;
  }

  ModelVersion toFact(JsonNode model, JsonNode version, List<JsonNode> artifacts, Instant observedAt)
      throws ConnectorException {
    String versionId = required(version, "id", "model version");
    String versionName = required(version, "name", "model version " + versionId);
    String modelId = required(model, "id", "registered model of version " + versionId);
    String modelName = required(model, "name", "registered model " + modelId);
    String what = "model version " + versionId + " (" + modelName + "/" + versionName + ")";

    Map<String, String> modelProps = customProperties(model);
    Map<String, String> versionProps = customProperties(version);
    Artifacts found = Artifacts.of(artifacts);
    String sourceUrl = uiUrl != null
        ? uiUrl + "/registeredModels/" + modelId + "/versions/" + versionId + "/details"
        : apiRoot + "/model_versions/" + versionId;

    // Version properties override model properties of the same name: the version is the more specific record.
    Map<String, String> tags = new LinkedHashMap<>(modelProps);
    tags.putAll(versionProps);
    Conventions.putIfPresent(tags, "kubeflow.registeredModelId", modelId);
    Conventions.putIfPresent(tags, "kubeflow.modelVersionId", versionId);
    Conventions.putIfPresent(tags, "kubeflow.state", text(version, "state"));
    Conventions.putIfPresent(tags, "kubeflow.registeredModelState", text(model, "state"));
    Conventions.putIfPresent(tags, "kubeflow.author", text(version, "author"));
    for (String field : List.of("provider", "license", "licenseLink", "maturity", "libraryName")) {
      Conventions.putIfPresent(tags, "kubeflow." + field, text(model, field));
    }
    Conventions.putIfPresent(tags, "kubeflow.tasks", joined(model.get("tasks")));
    Conventions.putIfPresent(tags, "kubeflow.language", joined(model.get("language")));
    found.addTags(tags);

    boolean archived = "ARCHIVED".equals(text(version, "state")) || "ARCHIVED".equals(text(model, "state"));
    String stage = archived ? "Archived" : blankToNull(versionProps.get("stage"));

    Set<String> owners = new LinkedHashSet<>();
    if (text(model, "owner") != null) {
      owners.add(text(model, "owner").trim());
    }
    owners.addAll(Conventions.commaList(modelProps.get("owner")));
    owners.addAll(Conventions.commaList(versionProps.get("owner")));

    // the version's author is who registered it, not who answers for it
    String registeredBy = blankToNull(text(version, "author"));
    List<String> ownerList = Conventions.owners(List.copyOf(owners), registeredBy, registeredByIsOwner, tags);

    String description = Conventions.firstNonBlank(text(version, "description"), text(model, "description"));
    String runId = Conventions.firstNonBlank(versionProps.get("run_id"), found.modelRunId());
    String approval = Conventions.approvalStatus(
        Conventions.firstNonBlank(versionProps.get("approval_status"), versionProps.get("approved")));

    String readme = text(model, "readme");
    String cardUrl = found.docUri() != null ? found.docUri() : sourceUrl;
    ModelCard card = readme != null ? MarkdownCard.parse(readme, cardUrl)
        : found.docUri() != null ? new ModelCard(null, null, null, null, found.docUri()) : null;

    // A registered model with a provider came from outside (e.g. imported from the model catalog): A.10.3.
    String provider = text(model, "provider");
    SupplierInfo supplier = provider == null ? null
        : new SupplierInfo(provider, text(model, "license"), versionName,
            Conventions.firstNonBlank(versionProps.get("base_model"), modelProps.get("base_model")),
            found.datasetNames(), false, false);

    return new ModelVersion(connectorId, sourceUrl, observedAt, REGISTRY, modelName, versionName, stage,
        Conventions.commaList(versionProps.get("aliases")), ownerList, registeredBy, description, tags, runId, null,
        blankToNull(versionProps.get("git_commit")), approval,
        epochMillis(version, "createTimeSinceEpoch", what), epochMillis(version, "lastUpdateTimeSinceEpoch", what),
        instantOrNull(versionProps.get("promoted_at")), card, supplier);
  }

  /**
   * Custom properties as strings. The tagged union's scalar members become their value (labels,
   * which the UI stores as empty strings, stay as ""); struct and proto values are binary blobs
   * with no meaning for rules and are left out.
   */
  static Map<String, String> customProperties(JsonNode resource) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode props = resource.get("customProperties");
    if (props == null || !props.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : props.properties()) {
      JsonNode value = e.getValue();
      String field = switch (String.valueOf(text(value, "metadataType"))) {
        case "MetadataStringValue" -> "string_value";
        case "MetadataIntValue" -> "int_value";
        case "MetadataDoubleValue" -> "double_value";
        case "MetadataBoolValue" -> "bool_value";
        default -> null;
      };
      JsonNode v = field == null ? null : value.get(field);
      if (v != null && v.isValueNode() && !v.isNull()) {
        out.put(e.getKey(), v.asString());
      }
    }
    return out;
  }

  /** What the artifacts of one version tell: its model artifact, documentation, metrics and datasets. */
  private record Artifacts(JsonNode model, int modelCount, String docUri, Map<String, String> metrics,
      List<String> datasetNames) {

    static Artifacts of(List<JsonNode> artifacts) {
      List<JsonNode> models = new ArrayList<>();
      String doc = null;
      Map<String, String> metrics = new LinkedHashMap<>();
      List<String> datasets = new ArrayList<>();
      for (JsonNode a : artifacts) {
        switch (String.valueOf(text(a, "artifactType"))) {
          case "model-artifact" -> models.add(a);
          case "doc-artifact" -> doc = doc == null ? text(a, "uri") : doc;
          case "metric" -> {
            if (text(a, "name") != null && text(a, "value") != null) {
              metrics.put(text(a, "name"), text(a, "value"));
            }
          }
          case "dataset-artifact" -> {
            String name = Conventions.firstNonBlank(text(a, "name"), text(a, "uri"));
            if (name != null) {
              datasets.add(name);
            }
          }
          default -> { } // parameters and types added after v1alpha3 say nothing the controls read
        }
      }
      // Prefer a LIVE model artifact: earlier ones may be PENDING uploads or DELETED.
      JsonNode model = models.stream().filter(m -> "LIVE".equals(text(m, "state"))).findFirst()
          .orElse(models.isEmpty() ? null : models.get(0));
      return new Artifacts(model, models.size(), doc, metrics, datasets);
    }

    String modelRunId() {
      return model == null ? null : text(model, "experimentRunId");
    }

    void addTags(Map<String, String> tags) {
      if (model != null) {
        for (String field : List.of("uri", "state", "modelFormatName", "modelFormatVersion", "modelSourceKind",
            "modelSourceClass", "modelSourceGroup", "modelSourceId", "modelSourceName")) {
          Conventions.putIfPresent(tags, "kubeflow.artifact." + field, text(model, field));
        }
      }
      if (modelCount > 1) {
        tags.put("kubeflow.artifact.count", Integer.toString(modelCount));
      }
      metrics.forEach((name, value) -> tags.put("kubeflow.metric." + name, value));
      if (!datasetNames.isEmpty()) {
        tags.put("kubeflow.datasets", String.join(",", datasetNames));
      }
    }
  }

  private String required(JsonNode node, String field, String what) throws ConnectorException {
    String v = text(node, field);
    if (v == null) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': " + what + " has no '" + field
          + "' in " + apiRoot);
    }
    return v;
  }

  /** Kubeflow sends int64 timestamps as strings of epoch milliseconds; numbers are accepted too. */
  private Instant epochMillis(JsonNode node, String field, String what) throws ConnectorException {
    String v = text(node, field);
    if (v == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': " + what + ": " + field + " '"
          + v + "' is not epoch milliseconds");
    }
  }

  /** A user-written time (ISO-8601 or epoch milliseconds); unreadable values stay visible only as the tag. */
  private static Instant instantOrNull(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return v.trim().chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v.trim()))
          : Instant.parse(v.trim());
    } catch (DateTimeParseException | NumberFormatException e) {
      return null;
    }
  }

  private static String joined(JsonNode array) {
    if (array == null || !array.isArray() || array.isEmpty()) {
      return null;
    }
    List<String> items = new ArrayList<>();
    array.forEach(n -> items.add(n.asString()));
    return String.join(",", items);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

}
