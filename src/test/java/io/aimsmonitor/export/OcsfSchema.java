package io.aimsmonitor.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON Schema (2020-12) derived from OCSF's own definitions, as the OCSF schema server does:
 * a class's attributes are merged along its {@code extends} chain (events/*.json), each attribute's
 * type, array-ness and enum come from {@code dictionary.json} plus the class's own refinements
 * (enums merged), objects are expanded from objects/*.json the same way, {@code requirement:
 * required} becomes {@code required}, {@code at_least_one} constraints become {@code anyOf}, and
 * no other attribute is allowed. Nothing here is specific to Compliance Finding: the class name is
 * the input. An object type whose definition is not in the reference folder is {@code false}, so
 * an event using it fails rather than passing unchecked.
 */
final class OcsfSchema {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Path root;
  private final JsonNode dictionary;
  private final JsonNode types;
  private final ObjectNode defs = NODES.objectNode();

  OcsfSchema(Path root) {
    this.root = root;
    this.dictionary = read(root.resolve("dictionary.json")).get("attributes");
    this.types = read(root.resolve("dictionary.json")).get("types").get("attributes");
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The definition file of an event class (searched under events/) or an object. */
  private JsonNode definition(String name, boolean event) {
    if (!event) {
      Path file = root.resolve("objects").resolve(name + ".json");
      return Files.isRegularFile(file) ? read(file) : null;
    }
    try (Stream<Path> files = Files.walk(root.resolve("events"))) {
      return files.filter(f -> f.getFileName().toString().equals(name + ".json")).findFirst().map(OcsfSchema::read)
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The class definition file's own content (uid, caption, ...). */
  JsonNode classDefinition(String className) {
    return definition(className, true);
  }

  /** Attribute name to its merged definition (dictionary, then ancestors, then the class itself). */
  Map<String, ObjectNode> attributes(String name, boolean event) {
    JsonNode def = definition(name, event);
    if (def == null) {
      return null;
    }
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    if (def.has("extends") && !def.get("extends").isNull()) {
      Map<String, ObjectNode> parent = attributes(def.get("extends").asString(), event);
      if (parent != null) {
        out.putAll(parent);
      }
    }
    JsonNode attrs = def.get("attributes");
    if (attrs != null) {
      for (Map.Entry<String, JsonNode> e : attrs.properties()) {
        if (e.getKey().startsWith("$")) {
          continue; // $include of profiles: not part of the class itself
        }
        ObjectNode merged = out.containsKey(e.getKey()) ? out.get(e.getKey()).deepCopy()
            : dictionary.has(e.getKey()) ? ((ObjectNode) dictionary.get(e.getKey())).deepCopy() : NODES.objectNode();
        for (Map.Entry<String, JsonNode> field : e.getValue().properties()) {
          if (field.getKey().equals("enum") && merged.has("enum")) {
            ObjectNode union = ((ObjectNode) merged.get("enum")).deepCopy();
            union.setAll((ObjectNode) field.getValue());
            merged.set("enum", union);
          } else if (!field.getValue().isNull()) {
            merged.set(field.getKey(), field.getValue());
          }
        }
        out.put(e.getKey(), merged);
      }
    }
    return out;
  }

  /** The JSON Schema of an event class. */
  ObjectNode forClass(String className) {
    ObjectNode schema = objectSchema(className, true);
    // base_event's class_uid and category_uid enums ({0: Base Event}, {0: Uncategorized}) are
    // placeholders the OCSF server replaces with each class's own ids (the category's from
    // categories.json, which the reference folder does not have): the test checks the arithmetic.
    ObjectNode props = (ObjectNode) schema.get("properties");
    ((ObjectNode) props.get("class_uid")).remove("enum");
    ((ObjectNode) props.get("category_uid")).remove("enum");
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.set("$defs", defs);
    return schema;
  }

  private ObjectNode objectSchema(String name, boolean event) {
    Map<String, ObjectNode> attrs = attributes(name, event);
    ObjectNode schema = NODES.objectNode();
    schema.put("type", "object");
    ObjectNode props = schema.putObject("properties");
    ArrayNode required = NODES.arrayNode();
    attrs.forEach((attr, def) -> {
      props.set(attr, attributeSchema(def));
      if ("required".equals(def.path("requirement").asString(""))) {
        required.add(attr);
      }
    });
    schema.set("required", required);
    schema.put("additionalProperties", false);
    JsonNode atLeastOne = definition(name, event).path("constraints").path("at_least_one");
    if (atLeastOne.isArray()) {
      ArrayNode anyOf = schema.putArray("anyOf");
      atLeastOne.forEach(a -> anyOf.addObject().putArray("required").add(a.asString()));
    }
    return schema;
  }

  private JsonNode attributeSchema(ObjectNode def) {
    String type = def.path("type").asString("string_t");
    ObjectNode item;
    if (type.endsWith("_t")) {
      item = primitive(type);
    } else {
      if (!defs.has(type)) {
        defs.put(type, false); // placeholder while expanding (and for recursive objects)
        Map<String, ObjectNode> attrs = attributes(type, false);
        if (attrs != null) {
          defs.set(type, objectSchema(type, false));
        }
      }
      item = NODES.objectNode().put("$ref", "#/$defs/" + type);
    }
    if (def.has("enum")) {
      ArrayNode values = item.putArray("enum");
      for (Iterator<String> keys = def.get("enum").propertyNames().iterator(); keys.hasNext(); ) {
        String key = keys.next();
        if (type.equals("integer_t") || type.equals("long_t")) {
          values.add(Long.parseLong(key));
        } else {
          values.add(key);
        }
      }
    }
    if (def.path("is_array").asBoolean(false)) {
      ObjectNode array = NODES.objectNode().put("type", "array");
      array.set("items", item);
      return array;
    }
    return item;
  }

  /** A dictionary data type as JSON Schema: its base type, and its regular expression if it has one. */
  private ObjectNode primitive(String type) {
    ObjectNode out = NODES.objectNode();
    JsonNode t = types.get(type);
    String base = t != null && t.has("type") ? t.get("type").asString() : type;
    switch (base) {
      case "integer_t", "long_t" -> out.put("type", "integer");
      case "float_t" -> out.put("type", "number");
      case "boolean_t" -> out.put("type", "boolean");
      case "json_t" -> { } // any JSON value
      default -> out.put("type", "string");
    }
    if (t != null && t.has("regex")) {
      out.put("pattern", t.get("regex").asString());
    }
    return out;
  }

  /**
   * Enum siblings agree: where an attribute with an enum names a sibling (severity_id and
   * severity, status_id and status ...), the sibling holds the caption of the value (except 99,
   * Other, whose sibling is free text). Returns the disagreements, recursing into objects.
   */
  java.util.List<String> siblingProblems(JsonNode value, String name, boolean event, String path) {
    java.util.List<String> out = new java.util.ArrayList<>();
    Map<String, ObjectNode> attrs = attributes(name, event);
    if (attrs == null || !value.isObject()) {
      return out;
    }
    attrs.forEach((attr, def) -> {
      JsonNode v = value.get(attr);
      if (v == null) {
        return;
      }
      if (def.has("enum") && def.has("sibling") && value.has(def.get("sibling").asString()) && !v.asString().equals("99")) {
        JsonNode caption = def.get("enum").path(v.asString()).path("caption");
        String sibling = value.get(def.get("sibling").asString()).asString();
        if (!caption.isMissingNode() && !caption.asString().equals(sibling)) {
          out.add(path + attr + "=" + v + " is '" + caption.asString() + "', but " + def.get("sibling").asString()
              + " says '" + sibling + "'");
        }
      }
      String type = def.path("type").asString("string_t");
      if (!type.endsWith("_t")) {
        if (v.isArray()) {
          for (int i = 0; i < v.size(); i++) {
            out.addAll(siblingProblems(v.get(i), type, false, path + attr + "[" + i + "]."));
          }
        } else {
          out.addAll(siblingProblems(v, type, false, path + attr + "."));
        }
      }
    });
    return out;
  }
}
