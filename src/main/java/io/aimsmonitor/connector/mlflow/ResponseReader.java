package io.aimsmonitor.connector.mlflow;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Typed reads from one MLflow response, tolerant where MLflow's encoding varies and strict where a
 * wrong type means we would map nonsense. Unknown fields are ignored (newer servers add some);
 * absent optional fields are null or empty (proto JSON omits unset fields, so an empty listing is
 * {@code {}}). A field we need that is missing, or any field of the wrong JSON type, fails the run
 * as {@code malformed}, naming the connector, the URL and the field path, e.g.
 * {@code model_versions[3].version}.
 */
final class ResponseReader {

  private final String connectorId;
  private final URI url;

  ResponseReader(String connectorId, URI url) {
    this.connectorId = connectorId;
    this.url = url;
  }

  ConnectorException malformed(String path, String problem) {
    return new ConnectorException("malformed", "connector '" + connectorId + "': response from "
        + ApiClient.display(url) + ": " + path + ": " + problem);
  }

  /** The object at {@code field}; an absent or null field is the missing node. */
  JsonNode object(JsonNode parent, String field, String path) throws ConnectorException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return MissingNode.getInstance();
    }
    if (!node.isObject()) {
      throw malformed(join(path, field), "expected an object, got " + type(node));
    }
    return node;
  }

  /** The object at {@code field}, which must be there. */
  JsonNode requiredObject(JsonNode parent, String field, String path) throws ConnectorException {
    JsonNode node = object(parent, field, path);
    if (node.isMissingNode()) {
      throw malformed(join(path, field), "is missing");
    }
    return node;
  }

  /** The elements of the array at {@code field}; absent or null is empty. */
  List<JsonNode> array(JsonNode parent, String field, String path) throws ConnectorException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw malformed(join(path, field), "expected an array, got " + type(node));
    }
    return List.copyOf(node.values());
  }

  /** An element of an array of objects, with its path for messages, e.g. {@code run.data.metrics[2]}. */
  record Element(String at, JsonNode node) {}

  /** The elements of the array at {@code field}, each of which must be an object; absent or null is empty. */
  List<Element> objects(JsonNode parent, String field, String path) throws ConnectorException {
    List<JsonNode> nodes = array(parent, field, path);
    List<Element> out = new java.util.ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      String at = join(path, field) + "[" + i + "]";
      if (!nodes.get(i).isObject()) {
        throw malformed(at, "expected an object");
      }
      out.add(new Element(at, nodes.get(i)));
    }
    return out;
  }

  /** A list of {@code {key, value}} metrics as a map; entries without a key or a numeric value are skipped. */
  java.util.Map<String, Double> metrics(JsonNode parent, String field, String path) throws ConnectorException {
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (Element metric : objects(parent, field, path)) {
      String key = text(metric.node(), "key", metric.at());
      Double value = number(metric.node(), "value", metric.at());
      if (key != null && value != null) {
        out.put(key, value);
      }
    }
    return out;
  }

  /**
   * A text field; absent, null or empty is null. Numbers and booleans are taken as their text
   * (Unity Catalog-backed servers send {@code version} as a number).
   */
  String text(JsonNode parent, String field, String path) throws ConnectorException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode()) {
      throw malformed(join(path, field), "expected a string, got " + type(node));
    }
    String value = node.asString();
    return value.isEmpty() ? null : value;
  }

  String requiredText(JsonNode parent, String field, String path) throws ConnectorException {
    String value = text(parent, field, path);
    if (value == null) {
      throw malformed(join(path, field), "is missing");
    }
    return value;
  }

  /**
   * An epoch-millisecond timestamp, as a JSON number or a numeric string (MLflow's own UI mocks
   * use strings). Absent, null or 0 (proto's "unset") is null.
   */
  Instant millis(JsonNode parent, String field, String path) throws ConnectorException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    long value;
    if (node.isIntegralNumber()) {
      value = node.longValue();
    } else if (node.isString() && node.stringValue().strip().matches("-?\\d{1,19}")) {
      try {
        value = Long.parseLong(node.stringValue().strip());
      } catch (NumberFormatException e) {
        throw malformed(join(path, field), "expected epoch milliseconds, got '" + node.stringValue() + "'");
      }
    } else {
      throw malformed(join(path, field), "expected epoch milliseconds, got " + describe(node));
    }
    return value == 0 ? null : Instant.ofEpochMilli(value);
  }

  /**
   * A double, as a JSON number or a string: proto JSON writes non-finite values as {@code "NaN"},
   * {@code "Infinity"} and {@code "-Infinity"}. Absent or null is null.
   */
  Double number(JsonNode parent, String field, String path) throws ConnectorException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isString()) {
      String s = node.stringValue().strip();
      switch (s) {
        case "NaN": return Double.NaN;
        case "Infinity": return Double.POSITIVE_INFINITY;
        case "-Infinity": return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            // fall through to the error below
          }
      }
    }
    throw malformed(join(path, field), "expected a number, got " + describe(node));
  }

  /**
   * {@code [{"key": k, "value": v}, ...]} as an ordered map; a later duplicate key wins. An entry
   * without a key is skipped (proto JSON would omit an empty key), a missing value is "".
   */
  Map<String, String> keyValues(JsonNode parent, String field, String path) throws ConnectorException {
    Map<String, String> out = new LinkedHashMap<>();
    List<JsonNode> entries = array(parent, field, path);
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String at = join(path, field) + "[" + i + "]";
      if (!entry.isObject()) {
        throw malformed(at, "expected an object with key and value, got " + type(entry));
      }
      String key = text(entry, "key", at);
      if (key != null) {
        String value = text(entry, "value", at);
        out.put(key, value == null ? "" : value);
      }
    }
    return out;
  }

  static String join(String path, String field) {
    return path == null || path.isEmpty() ? field : path + "." + field;
  }

  private static String type(JsonNode node) {
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static String describe(JsonNode node) {
    String text = node.toString();
    return type(node) + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
  }
}
