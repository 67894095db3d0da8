package io.aimsmonitor.fact;

import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON form of facts, used for stored snapshots, the {@code file} connector's input and
 * rule test cases. Strict: an unknown property is an error, so that a typo such as
 * {@code ownerz} is reported instead of silently producing a fact with no owners.
 */
public final class FactJson {

  public static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // A missing boolean (gated, alertingConfigured, ...) means false, as people writing
      // inventories expect; Jackson 3 would otherwise refuse the fact.
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  /**
   * Writes maps with their keys sorted, so that the same values give the same text whatever map
   * or record they came in: see {@link #canonical}.
   */
  private static final JsonMapper CANONICAL = MAPPER.rebuild()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private static final Pattern DATE_ONLY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private FactJson() {}

  /**
   * Reads one fact from a tree that has a {@code kind}. Time fields (names ending in {@code At}
   * or {@code Until}) also accept a plain date, {@code 2026-03-01}, meaning midnight UTC.
   *
   * @throws IllegalArgumentException naming the property at fault
   */
  public static Fact read(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a mapping with 'kind', got " + node.getNodeType());
    }
    JsonNode kind = node.get("kind");
    if (kind == null || !kind.isString()) {
      throw new IllegalArgumentException("missing 'kind' (one of " + kinds() + ")");
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    widenDates(copy);
    try {
      return MAPPER.treeToValue(copy, Fact.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(describe(e));
    }
  }

  /**
   * One text for one value, however it is held: a record, the map it becomes after a JSON round
   * trip, an {@code Integer} or the {@code Long} read back, keys in any order. Evidence is
   * compared in this form, because evidence fresh from a rule holds records and lists while stored
   * evidence holds the maps and numbers JSON gave back.
   */
  public static String canonical(Object value) {
    Object plain = CANONICAL.readValue(MAPPER.writeValueAsString(value), Object.class);
    return CANONICAL.writeValueAsString(plain);
  }

  public static String write(List<Fact> facts) {
    return MAPPER.writerFor(MAPPER.getTypeFactory().constructCollectionType(List.class, Fact.class))
        .writeValueAsString(facts);
  }

  public static List<Fact> readList(String json) {
    JsonNode array = MAPPER.readTree(json);
    return array.valueStream().map(FactJson::read).toList();
  }

  public static String kinds() {
    return "ModelVersion, TrainingRun, Dataset, PipelineRun, ModelMonitor, Attestation, SourceHealth";
  }

  private static void widenDates(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String name : List.copyOf(object.propertyNames())) {
        JsonNode value = object.get(name);
        if (value.isString() && (name.endsWith("At") || name.endsWith("Until"))
            && DATE_ONLY.matcher(value.asString()).matches()) {
          object.put(name, value.asString() + "T00:00:00Z");
        } else {
          widenDates(value);
        }
      }
    } else if (node.isArray()) {
      node.forEach(FactJson::widenDates);
    }
  }

  private static String describe(JacksonException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
    return (path.isEmpty() ? "" : path + ": ") + e.getOriginalMessage();
  }
}
