package io.aimsmonitor.connector.datahub;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.fact.Dataset;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Turns one DataHub {@code Dataset} entity of the scroll query into a {@link Dataset} fact. */
final class DataHubMapping {

  static final String CATALOG = "datahub";

  private final String connectorId;
  private final String linkBase;
  private final CatalogConventions conventions;

  DataHubMapping(String connectorId, String linkBase, CatalogConventions conventions) {
    this.connectorId = connectorId;
    this.linkBase = linkBase.endsWith("/") ? linkBase.substring(0, linkBase.length() - 1) : linkBase;
    this.conventions = conventions;
  }

  Dataset toFact(JsonNode entity, Instant observedAt) throws ConnectorException {
    String urn = text(entity, "urn");
    if (urn == null) {
      throw new ConnectorException("malformed", "connector '" + connectorId + "': a search result has no entity urn");
    }
    JsonNode props = entity.path("properties");
    String platform = text(entity.path("platform"), "name");
    String keyName = text(entity, "name");
    String qualifiedName = Conventions.firstNonBlank(keyName, text(props, "qualifiedName"), urn);
    String name = Conventions.firstNonBlank(text(props, "name"), lastSegment(qualifiedName));

    // Owners are the ownership aspect's owners, each named explicitly; DataHub's NONE type means "no role".
    Set<String> owners = new LinkedHashSet<>();
    for (JsonNode o : array(entity.path("ownership").path("owners"))) {
      if ("NONE".equals(text(o, "type"))) {
        continue;
      }
      JsonNode owner = o.path("owner");
      String id = Conventions.firstNonBlank(text(owner, "username"), text(owner, "name"), suffix(text(owner, "urn")));
      if (id != null) {
        owners.add(id);
      }
    }

    Set<String> classification = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode t : array(entity.path("tags").path("tags"))) {
      JsonNode tag = t.path("tag");
      String label = Conventions.firstNonBlank(text(tag.path("properties"), "name"), text(tag, "name"),
          suffix(text(tag, "urn")));
      if (label != null) {
        (conventions.isClassification(label) ? classification : tags).add(label);
      }
    }
    Set<String> terms = new LinkedHashSet<>();
    for (JsonNode t : array(entity.path("glossaryTerms").path("terms"))) {
      JsonNode term = t.path("term");
      // the urn carries the term's node path (Classification.Confidential); the name alone does not
      String path = Conventions.firstNonBlank(suffix(text(term, "urn")), text(term, "name"));
      if (path != null) {
        terms.add(path);
        if (conventions.isClassification(path)) {
          classification.add(path);
        }
      }
    }

    JsonNode domain = entity.path("domain").path("domain");
    String domainName = Conventions.firstNonBlank(text(domain.path("properties"), "name"), suffix(text(domain, "urn")));

    List<String> upstream = new ArrayList<>();
    for (JsonNode rel : array(entity.path("upstream").path("relationships"))) {
      JsonNode e = rel.path("entity");
      String up = Conventions.firstNonBlank(text(e, "name"), text(e, "urn"));
      if (up != null && !upstream.contains(up)) {
        upstream.add(up);
      }
    }

    List<Dataset.QualityCheck> checks = new ArrayList<>();
    for (JsonNode a : array(entity.path("assertions").path("assertions"))) {
      String checkName = Conventions.firstNonBlank(text(a.path("info"), "description"), text(a, "urn"));
      JsonNode last = first(a.path("runEvents").path("runEvents"));
      String result = last == null ? null : text(last.path("result"), "type");
      Instant at = last == null ? null : millis(last.path("timestampMillis"));
      checks.add(new Dataset.QualityCheck(checkName, result, at));
    }

    Set<String> identifiers = new LinkedHashSet<>();
    identifiers.add(urn);
    String qn = text(props, "qualifiedName");
    if (qn != null && !qn.equals(qualifiedName)) {
      identifiers.add(qn);
    }
    String lineage = conventions.lineageIdentifier(platform, qualifiedName);
    if (lineage != null) {
      identifiers.add(lineage);
    }

    Map<String, String> properties = new TreeMap<>();
    for (JsonNode kv : array(props.path("customProperties"))) {
      String k = text(kv, "key");
      String v = text(kv, "value");
      if (k != null && v != null) {
        properties.put(k, v);
      }
    }
    Conventions.putIfPresent(properties, "datahub.platform", platform);

    String description = Conventions.firstNonBlank(text(entity.path("editableProperties"), "description"),
        text(props, "description"));
    Instant updatedAt = millis(props.path("lastModified").path("time"));
    return new Dataset(connectorId, linkBase + "/dataset/" + URLEncoder.encode(urn, StandardCharsets.UTF_8)
        .replace("+", "%20"), observedAt, CATALOG, qualifiedName, name, List.copyOf(owners),
        List.copyOf(classification), description, upstream, checks, CatalogConventions.acquisition(properties), updatedAt, domainName, List.copyOf(tags),
        List.copyOf(terms), List.copyOf(identifiers), properties);
  }

  private static Iterable<JsonNode> array(JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }

  private static JsonNode first(JsonNode node) {
    return node != null && node.isArray() && !node.isEmpty() ? node.get(0) : null;
  }

  /** {@code urn:li:corpuser:jdoe} -> {@code jdoe}; null for null. */
  static String suffix(String urn) {
    if (urn == null) {
      return null;
    }
    return urn.startsWith("urn:li:") && urn.indexOf(':', 7) > 0 ? urn.substring(urn.indexOf(':', 7) + 1) : urn;
  }

  private static String lastSegment(String name) {
    if (name == null) {
      return null;
    }
    int dot = Math.max(name.lastIndexOf('.'), name.lastIndexOf('/'));
    return dot >= 0 && dot < name.length() - 1 ? name.substring(dot + 1) : name;
  }

  /** Epoch milliseconds; 0 and absent (DataHub's "never") give null. */
  private static Instant millis(JsonNode node) {
    return node != null && node.isNumber() && node.canConvertToLong() && node.asLong() > 0
        ? Instant.ofEpochMilli(node.asLong()) : null;
  }
}
