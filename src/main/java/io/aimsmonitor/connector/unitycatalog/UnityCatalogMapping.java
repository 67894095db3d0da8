package io.aimsmonitor.connector.unitycatalog;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.ModelVersion;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Turns Unity Catalog {@code TableInfo}, {@code RegisteredModelInfo} and {@code ModelVersionInfo}
 * into facts. Unity Catalog OSS has an {@code owner} field but no classification: by convention
 * the table property {@code classification} (comma-separated) carries it. {@code created_by} and
 * {@code updated_by} are who acted, kept as evidence, never as owner.
 */
final class UnityCatalogMapping {

  static final String CATALOG = "unity-catalog";
  static final String REGISTRY = "unity-catalog";

  private final String connectorId;
  private final URI uiUrl;
  private final String apiRoot;
  private final CatalogConventions conventions;
  private final Set<String> production;

  UnityCatalogMapping(String connectorId, URI uiUrl, String apiRoot, CatalogConventions conventions,
      Set<String> production) {
    this.connectorId = connectorId;
    this.uiUrl = uiUrl;
    this.apiRoot = apiRoot;
    this.conventions = conventions;
    this.production = Set.copyOf(production);
  }

  Dataset table(JsonNode t, Instant observedAt) throws ConnectorException {
    String catalog = text(t, "catalog_name");
    String schema = text(t, "schema_name");
    String name = text(t, "name");
    if (catalog == null || schema == null || name == null) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': a table lacks catalog_name,"
          + " schema_name or name (table_id " + text(t, "table_id") + ")");
    }
    String fullName = catalog + "." + schema + "." + name;
    Map<String, String> properties = new TreeMap<>();
    JsonNode props = t.get("properties");
    if (props != null && props.isObject()) {
      for (Map.Entry<String, JsonNode> e : props.properties()) {
        if (e.getValue().isValueNode() && !e.getValue().isNull()) {
          properties.put(e.getKey(), e.getValue().asString());
        }
      }
    }
    Set<String> classification = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    for (String key : List.of("classification", "data_classification")) {
      for (String label : Conventions.commaList(properties.get(key))) {
        classification.add(label);
      }
    }
    for (String label : Conventions.commaList(properties.get("tags"))) {
      (conventions.isClassification(label) ? classification : tags).add(label);
    }
    Conventions.putIfPresent(properties, "unity.tableType", text(t, "table_type"));
    Conventions.putIfPresent(properties, "unity.dataSourceFormat", text(t, "data_source_format"));
    Conventions.putIfPresent(properties, "unity.createdBy", text(t, "created_by"));
    Conventions.putIfPresent(properties, "unity.updatedBy", text(t, "updated_by"));
    Conventions.putIfPresent(properties, "unity.tableId", text(t, "table_id"));
    List<String> columns = new ArrayList<>();
    JsonNode cols = t.get("columns");
    if (cols != null && cols.isArray()) {
      for (JsonNode c : cols) {
        if (text(c, "name") != null) {
          columns.add(text(c, "name") + (text(c, "type_text") == null ? "" : ":" + text(c, "type_text")));
        }
      }
    }
    if (!columns.isEmpty()) {
      properties.put("schema.fields", String.join(", ", columns));
    }
    Set<String> identifiers = new LinkedHashSet<>();
    if (text(t, "storage_location") != null) {
      identifiers.add(text(t, "storage_location"));
    }
    String lineage = conventions.lineageIdentifier(catalog, fullName);
    if (lineage != null) {
      identifiers.add(lineage);
    }
    List<String> upstream = new ArrayList<>();
    JsonNode deps = t.path("view_dependencies").path("dependencies");
    if (deps.isArray()) {
      for (JsonNode d : deps) {
        String up = Conventions.firstNonBlank(text(d.path("table"), "table_full_name"),
            text(d.path("function"), "function_full_name"));
        if (up != null && !upstream.contains(up)) {
          upstream.add(up);
        }
      }
    }
    String owner = text(t, "owner");
    return new Dataset(connectorId, link("/tables/" + fullName), observedAt, CATALOG, fullName, name,
        owner == null ? List.of() : List.of(owner), List.copyOf(classification), text(t, "comment"), upstream,
        List.of(), CatalogConventions.acquisition(properties), millis(t, "updated_at", millis(t, "created_at", null)), null, List.copyOf(tags), List.of(),
        List.copyOf(identifiers), properties);
  }

  ModelVersion modelVersion(JsonNode model, JsonNode v, Instant observedAt) throws ConnectorException {
    String fullName = text(model, "full_name");
    String version = text(v, "version");
    if (version == null) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': a version of " + fullName
          + " has no version number");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    Conventions.putIfPresent(tags, "unity.status", text(v, "status"));
    Conventions.putIfPresent(tags, "unity.source", text(v, "source"));
    Conventions.putIfPresent(tags, "unity.storageLocation", text(v, "storage_location"));
    Conventions.putIfPresent(tags, "unity.createdBy", text(v, "created_by"));
    Conventions.putIfPresent(tags, "unity.updatedBy", text(v, "updated_by"));
    Conventions.putIfPresent(tags, "unity.modelId", text(model, "id"));
    Conventions.putIfPresent(tags, "unity.versionId", text(v, "id"));
    // Databricks-hosted Unity Catalog adds aliases [{alias_name, version_num}] on the model; OSS has none
    List<String> aliases = new ArrayList<>();
    JsonNode modelAliases = model.get("aliases");
    if (modelAliases != null && modelAliases.isArray()) {
      for (JsonNode a : modelAliases) {
        if (version.equals(text(a, "version_num")) && text(a, "alias_name") != null) {
          aliases.add(text(a, "alias_name"));
        }
      }
    }
    if (production.contains(fullName + "/" + version) && !aliases.contains("prod")) {
      aliases.add("prod");
    }
    String owner = text(model, "owner");
    String description = Conventions.firstNonBlank(text(v, "comment"), text(model, "comment"));
    return new ModelVersion(connectorId, link("/models/" + fullName + "/versions/" + version), observedAt, REGISTRY,
        fullName, version, null, aliases, owner == null ? List.of() : List.of(owner), text(v, "created_by"),
        description, tags, text(v, "run_id"), null, null, null, millis(v, "created_at", null),
        millis(v, "updated_at", null), null, null, null);
  }

  private String link(String path) {
    return (uiUrl != null ? uiUrl.toString() : apiRoot) + path;
  }

  private Instant millis(JsonNode node, String field, Instant fallback) throws ConnectorException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber()) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': " + field + " '" + v
          + "' is not epoch milliseconds");
    }
    return Instant.ofEpochMilli(v.asLong());
  }
}
