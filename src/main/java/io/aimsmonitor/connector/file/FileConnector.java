package io.aimsmonitor.connector.file;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads facts from files. YAML and JSON files hold a list of facts (or a mapping with a
 * {@code facts} list; YAML files may hold several documents); CSV files have a header row naming
 * record fields, a {@code kind} column, {@code ;}-separated lists, {@code k=v;k2=v2} maps and
 * dotted columns for nested values ({@code card.intendedUse}). Every error names the file and the
 * item.
 */
final class FileConnector implements Connector {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final CsvMapper CSV = CsvMapper.builder().build();

  private final ConnectorConfig config;
  private final List<String> paths;
  private final String linkBase;

  FileConnector(ConnectorConfig config, List<String> paths, String linkBase) {
    this.config = config;
    this.paths = paths;
    this.linkBase = linkBase;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    for (String location : paths) {
      context.cancellation().check();
      if (location.startsWith("classpath:")) {
        String resource = location.substring("classpath:".length());
        try (InputStream in = FileConnector.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new ConnectorException("not_found", prefix() + "class path resource " + resource + " does not exist");
          }
          readInto(resource, resource, in.readAllBytes(), now, context);
        }
        continue;
      }
      Path base = config.file() == null ? Path.of(".") : config.file().getParent();
      Path path = base.resolve(location).normalize();
      if (!Files.exists(path)) {
        throw new ConnectorException("not_found", prefix() + "options.paths: " + path + " does not exist");
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile).filter(p -> format(p.toString()) != null).sorted().toList();
      }
      for (Path file : files) {
        String relative = base.relativize(file).toString().replace('\\', '/');
        readInto(relative, file.toString(), Files.readAllBytes(file), now, context);
      }
    }
  }

  private void readInto(String shownName, String name, byte[] content, Instant now, CollectContext context)
      throws ConnectorException {
    String format = format(name);
    List<JsonNode> items = new ArrayList<>();
    try {
      if ("csv".equals(format)) {
        items.addAll(csvRows(content));
      } else {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(content)) {
          while (docs.hasNext()) {
            JsonNode doc = docs.next();
            JsonNode list = doc.isObject() && doc.has("facts") ? doc.get("facts") : doc;
            if (list.isArray()) {
              list.forEach(items::add);
            } else if (list.isObject()) {
              items.add(list);
            } else if (!list.isNull() && !list.isMissingNode()) {
              throw new ConnectorException("malformed", prefix() + shownName + ": expected a list of facts");
            }
          }
        }
      }
    } catch (JacksonException e) {
      throw new ConnectorException("malformed", prefix() + shownName + ": not valid " + format.toUpperCase(Locale.ROOT)
          + ": " + io.aimsmonitor.fact.ParseErrors.oneLine(e));
    }
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (item.isObject() && !item.has("sourceUrl") && linkBase != null) {
        ((ObjectNode) item).put("sourceUrl", linkBase + shownName);
      }
      Fact fact;
      try {
        fact = FactJson.read(item);
      } catch (IllegalArgumentException e) {
        throw new ConnectorException("malformed", prefix() + shownName + ": item " + (i + 1) + ": " + e.getMessage());
      }
      context.sink().accept(fact.withOrigin(config.id(), now));
    }
    context.progress().items(items.size());
  }

  private static String format(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json")) {
      return "yaml"; // JSON is YAML 1.2
    }
    return n.endsWith(".csv") ? "csv" : null;
  }

  private List<JsonNode> csvRows(byte[] content) {
    List<JsonNode> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = CSV.readerFor(Map.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(content)) {
      while (it.hasNext()) {
        Map<String, String> row = it.next();
        rows.add(csvRow(row, rows.size() + 1));
      }
    }
    return rows;
  }

  /** A CSV row as a fact tree, typed by the record components of its {@code kind}. */
  private ObjectNode csvRow(Map<String, String> row, int number) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    String kind = row.get("kind");
    Class<?> type = recordFor(kind);
    for (var e : row.entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue().trim();
      if (value.isEmpty()) {
        continue;
      }
      String[] path = e.getKey().trim().split("\\.");
      ObjectNode parent = node;
      Class<?> owner = type;
      for (int i = 0; i < path.length - 1; i++) {
        parent = parent.has(path[i]) ? (ObjectNode) parent.get(path[i]) : parent.putObject(path[i]);
        owner = owner == null ? null : componentClass(owner, path[i]);
      }
      String field = path[path.length - 1];
      Type fieldType = owner == null ? String.class : componentType(owner, field);
      parent.set(field, typed(value, fieldType));
    }
    return node;
  }

  private static JsonNode typed(String value, Type type) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (List.class.isAssignableFrom(raw)) {
      ArrayNode array = f.arrayNode();
      for (String part : value.split(";")) {
        if (!part.isBlank()) {
          array.add(part.trim());
        }
      }
      return array;
    }
    if (Map.class.isAssignableFrom(raw)) {
      ObjectNode map = f.objectNode();
      for (String part : value.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          map.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
      }
      return map;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return f.booleanNode(Boolean.parseBoolean(value));
    }
    if (raw == int.class || raw == Integer.class) {
      return f.numberNode(Integer.parseInt(value));
    }
    return f.stringNode(value);
  }

  private static Class<?> recordFor(String kind) {
    if (kind == null) {
      return null;
    }
    try {
      return Class.forName(Fact.class.getPackageName() + "." + kind);
    } catch (ClassNotFoundException e) {
      return null; // FactJson.read reports the unknown kind
    }
  }

  private static Type componentType(Class<?> owner, String name) {
    if (owner.isRecord()) {
      for (RecordComponent c : owner.getRecordComponents()) {
        if (c.getName().equals(name)) {
          return c.getGenericType();
        }
      }
    }
    return String.class;
  }

  private static Class<?> componentClass(Class<?> owner, String name) {
    Type t = componentType(owner, name);
    return t instanceof Class<?> c ? c : null;
  }

  private String prefix() {
    return "connector '" + config.id() + "': ";
  }
}
