package io.aimsmonitor.connector.openmetadata;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.fact.Dataset;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Turns one OpenMetadata table, its test cases and its lineage into a {@link Dataset} fact. */
final class OpenMetadataMapping {

  static final String CATALOG = "openmetadata";

  private final String connectorId;
  private final String linkBase;
  private final CatalogConventions conventions;

  OpenMetadataMapping(String connectorId, String linkBase, CatalogConventions conventions) {
    this.connectorId = connectorId;
    this.linkBase = linkBase.endsWith("/") ? linkBase.substring(0, linkBase.length() - 1) : linkBase;
    this.conventions = conventions;
  }

  Dataset toFact(JsonNode table, List<JsonNode> testCases, JsonNode lineage, Instant observedAt)
      throws ConnectorException {
    String fqn = text(table, "fullyQualifiedName");
    if (fqn == null) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': table " + text(table, "id")
          + " has no fullyQualifiedName");
    }
    String name = Conventions.firstNonBlank(text(table, "name"), fqn);

    // owners (1.5+) or owner (before): explicitly assigned users and teams; deleted ones no longer answer for it
    Set<String> owners = new LinkedHashSet<>();
    for (JsonNode ref : references(table, "owners", "owner")) {
      if (!ref.path("deleted").asBoolean(false)) {
        String id = Conventions.firstNonBlank(text(ref, "name"), text(ref, "fullyQualifiedName"),
            text(ref, "displayName"));
        if (id != null) {
          owners.add(id);
        }
      }
    }
    List<JsonNode> domains = references(table, "domains", "domain");
    String domain = domains.isEmpty() ? null
        : Conventions.firstNonBlank(text(domains.get(0), "displayName"), text(domains.get(0), "name"),
            text(domains.get(0), "fullyQualifiedName"));

    Set<String> classification = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    Set<String> terms = new LinkedHashSet<>();
    for (JsonNode label : array(table.get("tags"))) {
      String tag = text(label, "tagFQN");
      if (tag == null) {
        continue;
      }
      if ("Glossary".equals(text(label, "source"))) {
        terms.add(tag);
        if (conventions.isClassification(tag)) {
          classification.add(tag);
        }
      } else {
        (conventions.isClassification(tag) ? classification : tags).add(tag);
      }
    }
    // a PII tag on a column classifies the table that holds it
    for (JsonNode column : array(table.get("columns"))) {
      for (JsonNode label : array(column.get("tags"))) {
        String tag = text(label, "tagFQN");
        if (conventions.isClassification(tag)) {
          classification.add(tag);
        }
      }
    }

    List<Dataset.QualityCheck> checks = new ArrayList<>();
    for (JsonNode tc : testCases) {
      JsonNode result = tc.path("testCaseResult");
      String status = Conventions.firstNonBlank(text(result, "testCaseStatus"), text(tc, "testCaseStatus"));
      Instant at = result.path("timestamp").isNumber() ? Instant.ofEpochMilli(result.path("timestamp").asLong()) : null;
      checks.add(new Dataset.QualityCheck(Conventions.firstNonBlank(text(tc, "name"), text(tc, "fullyQualifiedName")),
          status, at));
    }

    List<String> upstream = upstream(lineage, text(table, "id"));

    Set<String> identifiers = new LinkedHashSet<>();
    String[] parts = fqn.split("\\.");
    String service = Conventions.firstNonBlank(text(table.path("service"), "name"), parts.length > 1 ? parts[0] : null);
    String withoutService = service != null && fqn.startsWith(service + ".") ? fqn.substring(service.length() + 1) : null;
    if (withoutService != null) {
      identifiers.add(withoutService); // database.schema.table: how engines and OpenLineage name it
      String lineageId = conventions.lineageIdentifier(service, withoutService);
      if (lineageId != null) {
        identifiers.add(lineageId);
      }
    }

    Map<String, String> properties = new TreeMap<>();
    Conventions.putIfPresent(properties, "openmetadata.tableType", text(table, "tableType"));
    Conventions.putIfPresent(properties, "openmetadata.id", text(table, "id"));
    Conventions.putIfPresent(properties, "openmetadata.updatedBy", text(table, "updatedBy"));
    List<String> columns = new ArrayList<>();
    for (JsonNode c : array(table.get("columns"))) {
      if (text(c, "name") != null) {
        columns.add(text(c, "name") + (text(c, "dataType") == null ? "" : ":" + text(c, "dataType")));
      }
    }
    if (!columns.isEmpty()) {
      properties.put("schema.fields", String.join(", ", columns));
    }

    Instant updatedAt = table.path("updatedAt").isNumber() ? Instant.ofEpochMilli(table.path("updatedAt").asLong())
        : null;
    return new Dataset(connectorId, linkBase + "/table/" + URLEncoder.encode(fqn, StandardCharsets.UTF_8)
        .replace("+", "%20"), observedAt, CATALOG, fqn, name, List.copyOf(owners), List.copyOf(classification),
        text(table, "description"), upstream, checks, null, updatedAt, domain, List.copyOf(tags), List.copyOf(terms),
        List.copyOf(identifiers), properties);
  }

  /** The list field, else the older single field as a one-element list; empty when neither is there. */
  private static List<JsonNode> references(JsonNode node, String listField, String singleField) {
    JsonNode list = node.get(listField);
    if (list != null && list.isArray()) {
      List<JsonNode> out = new ArrayList<>();
      list.forEach(out::add);
      return out;
    }
    JsonNode single = node.get(singleField);
    return single != null && single.isObject() ? List.of(single) : List.of();
  }

  /** FQNs of the tables the lineage graph names as direct upstream of {@code tableId}. */
  private static List<String> upstream(JsonNode lineage, String tableId) {
    if (lineage == null || !lineage.isObject()) {
      return List.of();
    }
    Map<String, String> fqnById = new HashMap<>();
    for (JsonNode node : array(lineage.get("nodes"))) {
      if (text(node, "id") != null) {
        fqnById.put(text(node, "id"), Conventions.firstNonBlank(text(node, "fullyQualifiedName"), text(node, "name")));
      }
    }
    String self = Conventions.firstNonBlank(text(lineage.path("entity"), "id"), tableId);
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode edge : array(lineage.get("upstreamEdges"))) {
      if (self == null || self.equals(text(edge, "toEntity"))) {
        String from = fqnById.get(text(edge, "fromEntity"));
        if (from != null) {
          out.add(from);
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * The table FQN an entity link points into: {@code <#E::table::svc.db.schema.tbl>} or
   * {@code <#E::table::svc.db.schema.tbl::columns::col>}; null for other entities.
   */
  static String tableOfEntityLink(String link) {
    if (link == null || !link.startsWith("<#E::table::") || !link.endsWith(">")) {
      return null;
    }
    String rest = link.substring("<#E::table::".length(), link.length() - 1);
    int sep = rest.indexOf("::");
    return sep < 0 ? rest : rest.substring(0, sep);
  }

  private static Iterable<JsonNode> array(JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }
}
