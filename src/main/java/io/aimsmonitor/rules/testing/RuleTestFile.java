package io.aimsmonitor.rules.testing;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.rules.testing.RuleTestCase.Expectation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads one test file of a rule pack. The file is a list of cases, or a mapping that adds
 * defaults shared by its cases:
 * <pre>
 * now: 2026-11-01            # evaluation time of every case unless the case sets its own
 * parameters: {revalidationDays: 90}
 * background:                # facts every case starts from
 *   - {kind: ModelVersion, modelName: churn-predictor, version: "4", stage: Production, owners: [growth]}
 * cases:
 *   - name: a production version without an owner is reported
 *     given:                 # a fact with the subject of a background fact is merged onto it
 *       - {kind: ModelVersion, modelName: churn-predictor, version: "4", owners: []}
 *     expect:
 *       - {rule: lifecycle.production-version-has-owner, subject: "test:churn-predictor/4"}
 *   - name: the same version with its owner is compliant
 *     expect: []
 * </pre>
 * Facts are in the {@link FactJson} form; {@code source} defaults to {@code test} and
 * {@code observedAt} to the case's {@code now}. A {@code given} fact that leaves the subject of a
 * background fact unchanged (it names the same model and version, run id, dataset...) is applied
 * to it as a JSON merge patch (RFC 7386) and need not be complete: fields it names replace
 * the background's, and {@code null} removes a field, so a case states only what it changes.
 * {@code without} lists subject keys of background facts the case drops. Unknown keys are errors.
 */
public final class RuleTestFile {

  /** Source id given to facts that name none; subject keys in expectations start with it. */
  public static final String DEFAULT_SOURCE = "test";

  private static final Set<String> FILE_KEYS = Set.of("now", "parameters", "background", "cases");
  private static final Set<String> CASE_KEYS = Set.of("name", "now", "parameters", "given", "without", "expect");
  private static final Set<String> EXPECT_KEYS = Set.of("rule", "subject");
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** One case as read: the case, or why it cannot be run (then {@code testCase} is null). */
  public record Entry(String name, RuleTestCase testCase, String error) {}

  private RuleTestFile() {}

  /**
   * Reads {@code file}; never throws for bad content: a file that cannot be read at all is one
   * entry named after the file with the error, a bad case is an entry with its error.
   *
   * @param defaultNow evaluation time for cases and files that set none
   */
  public static List<Entry> read(Path file, Instant defaultNow) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException | JacksonException e) {
      return List.of(new Entry(file.getFileName().toString(), null, "not valid YAML: " + message(e)));
    }
    try {
      return entries(file, root, defaultNow);
    } catch (IllegalArgumentException e) {
      return List.of(new Entry(file.getFileName().toString(), null, e.getMessage()));
    }
  }

  private static List<Entry> entries(Path file, JsonNode root, Instant defaultNow) {
    JsonNode cases;
    Instant fileNow = defaultNow;
    Map<String, Object> fileParameters = Map.of();
    List<JsonNode> background = List.of();
    if (root == null || root.isNull() || root.isMissingNode()) {
      throw new IllegalArgumentException("the file is empty (expected a list of cases, or a mapping with 'cases')");
    }
    if (root.isArray()) {
      cases = root;
    } else if (root.isObject()) {
      unknownKeys(root, FILE_KEYS, "");
      fileNow = root.has("now") ? instant(root.get("now"), "now") : defaultNow;
      fileParameters = parameters(root.get("parameters"), "parameters");
      background = list(root.get("background"), "background");
      cases = root.get("cases");
      if (cases == null || !cases.isArray()) {
        throw new IllegalArgumentException("cases: expected a list of cases");
      }
    } else {
      throw new IllegalArgumentException("expected a list of cases, or a mapping with 'cases'");
    }
    List<Entry> out = new ArrayList<>();
    int index = 0;
    for (JsonNode node : cases) {
      String where = "cases[" + index++ + "]";
      String name = node.isObject() && node.hasNonNull("name") && node.get("name").isValueNode()
          ? node.get("name").asString() : where;
      try {
        out.add(new Entry(name, testCase(file, node, where, fileNow, fileParameters, background), null));
      } catch (IllegalArgumentException e) {
        out.add(new Entry(name, null, e.getMessage()));
      }
    }
    return out;
  }

  private static RuleTestCase testCase(Path file, JsonNode node, String where, Instant fileNow, Map<String, Object> fileParameters,
      List<JsonNode> background) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a mapping with name, given and expect");
    }
    unknownKeys(node, CASE_KEYS, where + ".");
    if (!node.hasNonNull("name") || text(node.get("name"), where + ".name").isBlank()) {
      throw new IllegalArgumentException(where + ".name: is required");
    }
    if (!node.has("expect")) {
      throw new IllegalArgumentException(where + ".expect: is required (an empty list for a compliant case)");
    }
    Instant now = node.has("now") ? instant(node.get("now"), where + ".now") : fileNow;
    if (now == null) {
      throw new IllegalArgumentException(where + ".now: is required when the runner has no clock");
    }
    Map<String, Object> parameters = new LinkedHashMap<>(fileParameters);
    parameters.putAll(parameters(node.get("parameters"), where + ".parameters"));

    // Background first, keyed by subject, so that a given fact with the same subject patches it.
    Map<String, ObjectNode> facts = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode fact : background) {
      ObjectNode full = withDefaults(fact, now, "background[" + i + "]");
      facts.put(key(full, "background[" + i++ + "]"), full);
    }
    for (JsonNode key : list(node.get("without"), where + ".without")) {
      if (facts.remove(text(key, where + ".without")) == null) {
        throw new IllegalArgumentException(where + ".without: no background fact has subject '" + key.asString()
            + "' (background subjects: " + facts.keySet() + ")");
      }
    }
    i = 0;
    for (JsonNode fact : list(node.get("given"), where + ".given")) {
      String at = where + ".given[" + i++ + "]";
      ObjectNode patch = withDefaults(fact, now, at);
      List<String> targets = patchTargets(facts, patch);
      if (targets.size() > 1) {
        throw new IllegalArgumentException(at + ": could patch any of " + targets
            + "; give the fields that identify the subject");
      }
      if (targets.isEmpty()) {
        String key = key(patch, at);
        facts.put(facts.containsKey(key) ? key + "#" + i : key, patch);
      } else {
        facts.put(targets.get(0), mergePatch(facts.get(targets.get(0)).deepCopy(), patch));
      }
    }
    List<Fact> parsed = new ArrayList<>();
    for (var e : facts.entrySet()) {
      parsed.add(read(e.getValue(), where + " fact " + e.getKey()));
    }
    List<Expectation> expect = new ArrayList<>();
    i = 0;
    for (JsonNode x : list(node.get("expect"), where + ".expect")) {
      String at = where + ".expect[" + i++ + "]";
      if (!x.isObject()) {
        throw new IllegalArgumentException(at + ": expected {rule, subject}");
      }
      unknownKeys(x, EXPECT_KEYS, at + ".");
      if (!x.hasNonNull("rule") || !x.hasNonNull("subject")) {
        throw new IllegalArgumentException(at + ": both rule and subject are required");
      }
      expect.add(new Expectation(text(x.get("rule"), at + ".rule"), text(x.get("subject"), at + ".subject")));
    }
    return new RuleTestCase(file, text(node.get("name"), where + ".name"), now, parameters, parsed, expect);
  }

  /** A scalar as text; a list or mapping where a single value belongs is an error naming the key. */
  private static String text(JsonNode node, String where) {
    if (node == null || !node.isValueNode()) {
      throw new IllegalArgumentException(where + ": expected a single value, got "
          + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return node.asString();
  }

  private static ObjectNode withDefaults(JsonNode fact, Instant now, String where) {
    if (!fact.isObject()) {
      throw new IllegalArgumentException(where + ": expected a fact (a mapping with 'kind')");
    }
    ObjectNode copy = ((ObjectNode) fact).deepCopy();
    if (!copy.hasNonNull("source")) {
      copy.put("source", DEFAULT_SOURCE);
    }
    if (!copy.hasNonNull("observedAt")) {
      copy.put("observedAt", now.toString());
    }
    return copy;
  }

  /**
   * The facts so far that {@code patch} applies to: those of its kind whose subject stays the
   * same once patched. A patch names the identifying fields (model and version, run id...) and
   * the fields it changes; it need not be a complete fact.
   */
  private static List<String> patchTargets(Map<String, ObjectNode> facts, ObjectNode patch) {
    List<String> out = new ArrayList<>();
    for (var e : facts.entrySet()) {
      if (!e.getValue().path("kind").equals(patch.path("kind"))) {
        continue;
      }
      try {
        if (FactJson.read(mergePatch(e.getValue().deepCopy(), patch)).subject().key().equals(e.getKey())) {
          out.add(e.getKey());
        }
      } catch (IllegalArgumentException notThisOne) {
        // the patch does not fit this fact (a field of the wrong type): not a target
      }
    }
    return out;
  }

  private static String key(ObjectNode fact, String where) {
    return read(fact, where).subject().key();
  }

  private static Fact read(ObjectNode fact, String where) {
    try {
      return FactJson.read(fact);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }

  /**
   * JSON merge patch (RFC 7386): objects merge recursively, null removes, anything else replaces.
   * One deviation: an empty object replaces (RFC 7386 would leave the target as it is), so that
   * {@code metrics: {}} states "no metrics" as plainly as {@code owners: []} states "no owners".
   */
  static ObjectNode mergePatch(ObjectNode target, ObjectNode patch) {
    for (String name : patch.propertyNames()) {
      JsonNode value = patch.get(name);
      if (value.isNull()) {
        target.remove(name);
      } else if (value.isObject() && !value.isEmpty() && target.get(name) instanceof ObjectNode nested) {
        mergePatch(nested, (ObjectNode) value);
      } else {
        target.set(name, value.deepCopy());
      }
    }
    return target;
  }

  private static List<JsonNode> list(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + ": expected a list");
    }
    List<JsonNode> out = new ArrayList<>();
    node.forEach(out::add);
    return out;
  }

  private static Map<String, Object> parameters(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a mapping of parameter name to value");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : node.propertyNames()) {
      if (node.get(name).isNull()) {
        throw new IllegalArgumentException(where + "." + name + ": a value is required (a parameter cannot be null)");
      }
      out.put(name, YAML.treeToValue(node.get(name), Object.class));
    }
    return out;
  }

  /** An instant ({@code 2026-11-01T09:00:00Z}) or a date ({@code 2026-11-01}, midnight UTC). */
  private static Instant instant(JsonNode node, String where) {
    if (!node.isValueNode() || node.isNull()) {
      throw new IllegalArgumentException(where + ": expected an instant (2026-11-01T09:00:00Z) or a date (2026-11-01),"
          + " got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    String text = node.asString();
    try {
      return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": '" + text + "' is neither an instant (2026-11-01T09:00:00Z)"
          + " nor a date (2026-11-01)");
    }
  }

  private static void unknownKeys(JsonNode node, Set<String> allowed, String prefix) {
    for (String name : node.propertyNames()) {
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(prefix + name + ": unknown key (expected one of "
            + allowed.stream().sorted().toList() + ")");
      }
    }
  }

  private static String message(Exception e) {
    return e instanceof JacksonException j ? io.aimsmonitor.fact.ParseErrors.oneLine(j) : e.getMessage();
  }
}
