package io.aimsmonitor.fuzz;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutations of valid JSON (and YAML, read as the same tree) for the fuzz tests: replace a node by a
 * value of another type, remove a node, add an unexpected field or element, or break the text
 * itself (truncate, splice random characters). Starting from a valid document keeps the inputs
 * close enough to the parsers' happy path to reach their deep branches, which purely random text
 * rarely does.
 */
final class JsonMutations {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What to do at the node picked by {@code target} (modulo the document's node count). */
  enum Kind { REPLACE, REMOVE, ADD, TRUNCATE_TEXT, SPLICE_TEXT }

  record Mutation(Kind kind, int target, JsonNode value, String text) {}

  private JsonMutations() {}

  /** Unexpected values: every JSON type, with the edge cases parsers trip on. */
  static Arbitrary<JsonNode> values() {
    Arbitrary<JsonNode> strings = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.of("", " ", "null", "-1", "1e309", "NaN", "2026-13-45T99:99:99Z", "0x10", "%zz", "../../etc/passwd",
            "<script>alert(1)</script>", "' OR '1'='1", "\u0000", "\uD800", "9".repeat(40)))
        .map(s -> (JsonNode) NODES.stringNode(s));
    Arbitrary<JsonNode> numbers = Arbitraries.oneOf(
        Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
        Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -1L).map(l -> (JsonNode) NODES.numberNode(l)),
        Arbitraries.doubles().map(d -> (JsonNode) NODES.numberNode(d)),
        Arbitraries.just((JsonNode) NODES.numberNode(new java.math.BigInteger("9".repeat(60)))));
    Arbitrary<JsonNode> scalars = Arbitraries.oneOf(strings, numbers,
        Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)), Arbitraries.just(NODES.nullNode()));
    Arbitrary<JsonNode> containers = Arbitraries.oneOf(
        Arbitraries.just((JsonNode) NODES.arrayNode()), Arbitraries.just((JsonNode) NODES.objectNode()),
        scalars.list().ofMaxSize(3).map(l -> {
          ArrayNode a = NODES.arrayNode();
          l.forEach(a::add);
          return (JsonNode) a;
        }),
        scalars.map(v -> (JsonNode) NODES.objectNode().set("x", v)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, strings), net.jqwik.api.Tuple.of(2, numbers), net.jqwik.api.Tuple.of(2, scalars),
        net.jqwik.api.Tuple.of(2, containers));
  }

  static Arbitrary<Mutation> mutation() {
    return Combinators.combine(
            Arbitraries.frequency(net.jqwik.api.Tuple.of(5, Kind.REPLACE), net.jqwik.api.Tuple.of(3, Kind.REMOVE),
                net.jqwik.api.Tuple.of(2, Kind.ADD), net.jqwik.api.Tuple.of(1, Kind.TRUNCATE_TEXT),
                net.jqwik.api.Tuple.of(1, Kind.SPLICE_TEXT)),
            Arbitraries.integers().between(0, Integer.MAX_VALUE), values(),
            Arbitraries.strings().ofMaxLength(6))
        .as(Mutation::new);
  }

  /** One to four mutations in a row. */
  static Arbitrary<List<Mutation>> mutations() {
    return mutation().list().ofMinSize(1).ofMaxSize(4);
  }

  /** {@code valid} after the mutations, as text (the text mutations may leave it invalid JSON). */
  static String apply(JsonNode valid, List<Mutation> mutations, java.util.function.Function<JsonNode, String> write) {
    JsonNode doc = valid.deepCopy();
    List<Mutation> textual = new ArrayList<>();
    for (Mutation m : mutations) {
      switch (m.kind()) {
        case TRUNCATE_TEXT, SPLICE_TEXT -> textual.add(m);
        default -> doc = applyToTree(doc, m);
      }
    }
    String text = write.apply(doc);
    for (Mutation m : textual) {
      int at = text.isEmpty() ? 0 : m.target() % text.length();
      text = m.kind() == Kind.TRUNCATE_TEXT ? text.substring(0, at) : text.substring(0, at) + m.text() + text.substring(at);
    }
    return text;
  }

  static String apply(JsonNode valid, List<Mutation> mutations) {
    return apply(valid, mutations, JSON::writeValueAsString);
  }

  private static JsonNode applyToTree(JsonNode doc, Mutation m) {
    List<Location> all = new ArrayList<>();
    collect(doc, null, null, -1, all);
    Location at = all.get(m.target() % all.size());
    switch (m.kind()) {
      case REPLACE -> {
        if (at.parent() == null) {
          return m.value().deepCopy();
        }
        set(at, m.value().deepCopy());
      }
      case REMOVE -> {
        if (at.parent() instanceof ObjectNode o) {
          o.remove(at.field());
        } else if (at.parent() instanceof ArrayNode a) {
          a.remove(at.index());
        }
      }
      case ADD -> {
        if (at.node() instanceof ObjectNode o) {
          o.set("unexpected" + (m.target() % 7), m.value().deepCopy());
        } else if (at.node() instanceof ArrayNode a) {
          a.add(m.value().deepCopy());
        } else if (at.parent() != null) {
          set(at, m.value().deepCopy());
        }
      }
      default -> throw new IllegalStateException(m.kind().name());
    }
    return doc;
  }

  private record Location(JsonNode node, JsonNode parent, String field, int index) {}

  private static void collect(JsonNode node, JsonNode parent, String field, int index, List<Location> out) {
    out.add(new Location(node, parent, field, index));
    if (node instanceof ObjectNode o) {
      for (String name : List.copyOf(o.propertyNames())) {
        collect(o.get(name), o, name, -1, out);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        collect(a.get(i), a, null, i, out);
      }
    }
  }

  private static void set(Location at, JsonNode value) {
    if (at.parent() instanceof ObjectNode o) {
      o.set(at.field(), value);
    } else if (at.parent() instanceof ArrayNode a) {
      a.set(at.index(), value);
    }
  }
}
