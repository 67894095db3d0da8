package io.aimsmonitor.connector.registry;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Lenient reads of optional JSON fields: absent, null and blank all read as "not there". */
public final class JsonFields {

  private JsonFields() {}

  /** The field as text (numbers and booleans too), or null when absent, null, blank or not a scalar. */
  public static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || !v.isValueNode()) {
      return null;
    }
    String s = v.asString();
    return s == null || s.isBlank() ? null : s;
  }

  /** A field that may be one string or a list of strings (model card front matter allows both). */
  public static List<String> textList(JsonNode node, String field) {
    if (node == null) {
      return List.of();
    }
    JsonNode v = node.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isArray()) {
      for (JsonNode item : v) {
        if (item.isValueNode() && !item.asString().isBlank()) {
          out.add(item.asString().trim());
        }
      }
    } else if (v.isValueNode() && !v.asString().isBlank()) {
      out.add(v.asString().trim());
    }
    return out;
  }
}
