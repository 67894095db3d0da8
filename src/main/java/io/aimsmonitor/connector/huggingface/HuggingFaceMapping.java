package io.aimsmonitor.connector.huggingface;

import static io.aimsmonitor.connector.registry.JsonFields.text;
import static io.aimsmonitor.connector.registry.JsonFields.textList;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import io.aimsmonitor.fact.ModelVersion.SupplierInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Turns one Hub model (list item or model info, camelCase JSON) into a {@link ModelVersion}: the
 * model at the revision the Hub reports ({@code sha}), with its supplier, licence, base model and
 * datasets from the model card front matter ({@code cardData}), falling back to the Hub's
 * {@code license:}, {@code dataset:} and {@code base_model:} tags.
 */
final class HuggingFaceMapping {

  static final String REGISTRY = "huggingface";
  /** Length of the abbreviated commit used as version, as the Hub shows it. */
  static final int SHORT_SHA = 7;

  private final String connectorId;
  private final String hubUrl;
  private final Set<String> production;

  HuggingFaceMapping(String connectorId, String hubUrl, Set<String> production) {
    this.connectorId = connectorId;
    this.hubUrl = hubUrl;
    this.production = production;
  }

  /**
   * @param pinnedRevision the configured revision this model was read at, or null for the default branch
   */
  ModelVersion toFact(JsonNode model, String pinnedRevision, Instant observedAt) throws ConnectorException {
    String id = text(model, "id") != null ? text(model, "id") : text(model, "modelId");
    if (id == null) {
      throw malformed("a model from " + hubUrl + " has no 'id'");
    }
    String sha = text(model, "sha");
    if (sha == null) {
      throw malformed("model " + id + " has no 'sha' (the revision the facts are about)");
    }
    JsonNode card = model.get("cardData");
    List<String> hubTags = textList(model, "tags");
    String author = text(model, "author") != null ? text(model, "author")
        : id.contains("/") ? id.substring(0, id.indexOf('/')) : null;
    String license = text(card, "license") != null ? text(card, "license") : tagValue(hubTags, "license:");
    List<String> datasets = !textList(card, "datasets").isEmpty() ? textList(card, "datasets")
        : tagValues(hubTags, "dataset:");
    List<String> baseModels = !textList(card, "base_model").isEmpty() ? textList(card, "base_model")
        : tagValues(hubTags, "base_model:");
    String gated = gated(model.get("gated"));
    boolean privateRepo = model.has("private") && model.get("private").asBoolean();

    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("huggingface.sha", sha);
    Conventions.putIfPresent(tags, "huggingface.pinnedRevision", pinnedRevision);
    tags.put("huggingface.gated", gated);
    tags.put("huggingface.private", Boolean.toString(privateRepo));
    Conventions.putIfPresent(tags, "huggingface.pipelineTag", text(model, "pipeline_tag"));
    Conventions.putIfPresent(tags, "huggingface.libraryName", text(model, "library_name"));
    if (model.has("disabled") && model.get("disabled").asBoolean()) {
      tags.put("huggingface.disabled", "true");
    }
    if (!hubTags.isEmpty()) {
      tags.put("huggingface.tags", String.join(",", hubTags));
    }

    String what = "model " + id;
    return new ModelVersion(connectorId, hubUrl + "/" + id + "/tree/" + sha, observedAt, REGISTRY, id,
        sha.substring(0, Math.min(SHORT_SHA, sha.length())), null,
        // the author is the supplier (A.10.3), not an owner inside the organisation, nor who registered it here
        production.contains(id) ? List.of("prod") : List.of(), List.of(), null, null, tags, null, null, null, null,
        time(model, "createdAt", what), time(model, "lastModified", what), null,
        card(id, sha, model, card, datasets),
        new SupplierInfo(author, license, sha, baseModels.isEmpty() ? null : String.join(", ", baseModels), datasets,
            !"false".equals(gated), privateRepo));
  }

  /**
   * The card as far as its front matter tells: training data from {@code datasets}, metrics from
   * {@code model-index}. The prose sections (intended use, limitations) live only in the README
   * body, which the API does not return, so they stay null (missing) and the link leads to them.
   * Null when the repo has neither front matter nor a README.
   */
  private ModelCard card(String id, String sha, JsonNode model, JsonNode cardData, List<String> datasets) {
    boolean readme = false;
    JsonNode siblings = model.get("siblings");
    if (siblings != null && siblings.isArray()) {
      for (JsonNode file : siblings) {
        readme |= "README.md".equals(text(file, "rfilename"));
      }
    }
    if ((cardData == null || !cardData.isObject()) && !readme) {
      return null;
    }
    JsonNode index = cardData != null && cardData.has("model-index") ? cardData.get("model-index")
        : model.get("model-index");
    return new ModelCard(null, null, metrics(index), datasets.isEmpty() ? null : String.join(", ", datasets),
        hubUrl + "/" + id + "/blob/" + sha + "/README.md");
  }

  /** {@code model-index} results as "f1=0.91 on acme/txn-2024-test; ..." or null when none. */
  private static String metrics(JsonNode index) {
    if (index == null || !index.isArray()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode entry : index) {
      JsonNode results = entry.get("results");
      if (results == null || !results.isArray()) {
        continue;
      }
      for (JsonNode result : results) {
        JsonNode dataset = result.get("dataset");
        String on = dataset == null ? null : text(dataset, "name") != null ? text(dataset, "name") : text(dataset, "type");
        JsonNode metrics = result.get("metrics");
        if (metrics == null || !metrics.isArray()) {
          continue;
        }
        for (JsonNode m : metrics) {
          String name = text(m, "name") != null ? text(m, "name") : text(m, "type");
          if (name != null && text(m, "value") != null) {
            parts.add(name + "=" + text(m, "value") + (on == null ? "" : " on " + on));
          }
        }
      }
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** {@code gated} is {@code false}, {@code "auto"} or {@code "manual"}; absent means not gated. */
  private static String gated(JsonNode node) {
    if (node == null || node.isNull() || (node.isBoolean() && !node.asBoolean())) {
      return "false";
    }
    return node.isBoolean() ? "true" : node.asString();
  }

  private static String tagValue(List<String> tags, String prefix) {
    List<String> values = tagValues(tags, prefix);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Values of Hub tags such as {@code dataset:acme/txn}; {@code base_model:finetune:x} style relations are skipped. */
  private static List<String> tagValues(List<String> tags, String prefix) {
    return tags.stream().filter(t -> t.startsWith(prefix)).map(t -> t.substring(prefix.length()))
        .filter(v -> !v.isBlank() && !v.contains(":")).toList();
  }

  private Instant time(JsonNode node, String field, String what) throws ConnectorException {
    String v = text(node, field);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw malformed(what + ": " + field + " '" + v + "' is not an ISO-8601 time");
    }
  }

  private ConnectorException malformed(String message) {
    return new ConnectorException("malformed", "connector '" + connectorId + "': " + message);
  }

}
