package io.aimsmonitor.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.demo.DemoServers;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fuzz.JsonMutations.Mutation;
import io.aimsmonitor.rules.testing.RuleTestFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Fuzzes the parsers of what users write: connector files ({@link ConnectorConfigLoader}), rule
 * test files ({@link RuleTestFile}, behind {@code test-rules} and {@code validate}) and facts
 * ({@link FactJson}, used by inventories, rule tests and the store). Inputs are the shipped
 * examples (connectors/*.yaml, rules/&#42;/tests/*.yaml) mutated, and arbitrary text. Each parser
 * must give a result or its own clear error, and nothing else: a connector file is a config or a
 * {@link ConfigException} naming the file; a rule test file is a list of cases, each runnable or
 * carrying its error, and never throws; a fact is a fact or an {@link IllegalArgumentException}.
 *
 * <p>Bounded: a fixed number of tries per property (see docs/reliability.md for the totals).
 */
class ParserFuzzTest {

  static final YAMLMapper YAML = YAMLMapper.builder().build();
  static final ConnectorConfigLoader LOADER = new ConnectorConfigLoader(ConnectorTypes.discover(), DemoServers.names());
  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  static Path dir;

  @BeforeContainer
  static void tempDir() throws IOException {
    dir = Files.createTempDirectory("aims-fuzz");
  }

  @AfterContainer
  static void removeTempDir() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return JsonMutations.mutations();
  }

  @Provide
  Arbitrary<Path> connectorExamples() {
    return Arbitraries.of(files(Path.of("connectors"), "*.yaml"));
  }

  @Provide
  Arbitrary<Path> ruleTestExamples() {
    return Arbitraries.of(files(Path.of("rules"), "**/tests/*.yaml"));
  }

  @Provide
  Arbitrary<JsonNode> facts() {
    List<JsonNode> facts = new ArrayList<>();
    for (Path file : files(Path.of("rules"), "**/tests/*.yaml")) {
      JsonNode root = YAML.readTree(read(file));
      root.path("background").forEach(facts::add);
      root.path("cases").forEach(c -> c.path("given").forEach(g -> {
        if (g.has("kind")) {
          facts.add(g);
        }
      }));
    }
    return Arbitraries.of(facts);
  }

  /** YAML-looking text: keys, indentation, flow collections, anchors and tags, and anything at all. */
  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300),
        Arbitraries.strings().withChars("abcdeiptuy:-[]{}&*!|>'\"#\n  0123456789.").ofMaxLength(300),
        Arbitraries.of("id: x\ntype: mlflow\nbaseUrl: http://h\n", "cases: [", "now: 2026-02-30", "background: 7",
            "!!java.lang.Runtime {}", "id: &a [*a]", "---\n---\n", "? [a]\n: b").flatMap(seed ->
            Arbitraries.strings().ofMaxLength(20).map(tail -> seed + tail)));
  }

  @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
  void connectorFilesMutatedAreAConfigOrAClearError(@ForAll("connectorExamples") Path example,
      @ForAll("mutations") List<Mutation> mutations) {
    String text = JsonMutations.apply(YAML.readTree(read(example)), mutations, YAML::writeValueAsString);
    connectorFile(text);
  }

  @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
  void connectorFilesArbitraryAreAConfigOrAClearError(@ForAll("garbage") String text) {
    connectorFile(text);
  }

  @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
  void ruleTestFilesMutatedAreCasesOrCasesWithErrors(@ForAll("ruleTestExamples") Path example,
      @ForAll("mutations") List<Mutation> mutations) {
    String text = JsonMutations.apply(YAML.readTree(read(example)), mutations, YAML::writeValueAsString);
    ruleTestFile(text);
  }

  @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
  void ruleTestFilesArbitraryAreCasesOrCasesWithErrors(@ForAll("garbage") String text) {
    ruleTestFile(text);
  }

  @Property(tries = 1000, shrinking = ShrinkingMode.BOUNDED)
  void factsMutatedAreFactsOrErrorsNamingTheField(@ForAll("facts") JsonNode fact,
      @ForAll("mutations") List<Mutation> mutations) {
    String text = JsonMutations.apply(fact, mutations);
    JsonNode node;
    try {
      node = FactJson.MAPPER.readTree(text);
    } catch (tools.jackson.core.JacksonException e) {
      return; // not JSON at all: the callers (YAML and JSON readers) report that themselves
    }
    try {
      Fact read = FactJson.read(node);
      assertThat(FactJson.write(List.of(read))).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /**
   * A path no file name can hold (here a lone surrogate, which the fuzzing once produced) is a
   * configuration error naming its key, not an InvalidPathException out of the loader, and the value
   * is not repeated (it may be a secret pasted in place of a path).
   */
  @Example
  void aPathNoFileNameCanHoldIsAnErrorNamingItsKey() {
    String base = "id: odd-paths\ntype: mlflow\nbaseUrl: https://mlflow.example.com\n";
    for (var c : List.of(Map.entry("caBundle", base + "http:\n  caBundle: \"ca-\\uD800.pem\"\n"),
        Map.entry("tokenFile", base + "auth:\n  type: bearer\n  tokenFile: \"token-\\uD800\"\n"))) {
      Path file = write("odd-paths.yaml", c.getValue());
      assertThatThrownBy(() -> LOADER.loadFile(file)).isInstanceOf(ConfigException.class)
          .hasMessageContaining(c.getKey()).hasMessageContaining("not a file path")
          .hasMessageNotContaining("\uD800");
    }
  }

  /** A fact field of the wrong type is an error naming that field, not a fact with nonsense in it. */
  @Example
  void aFactFieldOfTheWrongTypeIsNamed() {
    assertThatThrownBy(() -> FactJson.read(FactJson.MAPPER.readTree(
        "{\"kind\":\"ModelVersion\",\"modelName\":\"m\",\"version\":\"1\",\"owners\":{\"team\":1}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owners");
    assertThatThrownBy(() -> FactJson.read(FactJson.MAPPER.readTree(
        "{\"kind\":\"TrainingRun\",\"runId\":\"r\",\"metrics\":{\"auc\":\"high\"}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metrics");
    assertThatThrownBy(() -> FactJson.read(FactJson.MAPPER.readTree(
        "{\"kind\":\"ModelVersion\",\"modelName\":\"m\",\"version\":\"1\",\"createdAt\":\"yesterday\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("createdAt");
  }

  /** A parameter set to null (found by the fuzzing above: it was a NullPointerException) is an error naming it. */
  @Example
  void aNullParameterIsAnErrorNamingIt() {
    List<RuleTestFile.Entry> entries = RuleTestFile.read(write("null-parameter-test.yaml",
        "parameters: {revalidationDays: null}\ncases:\n  - name: one\n    given: []\n    expect: []\n"), NOW);
    assertThat(entries).singleElement().satisfies(e -> {
      assertThat(e.testCase()).isNull();
      assertThat(e.error()).contains("parameters.revalidationDays").contains("null");
    });
  }

  /** A YAML alias bomb ("billion laughs") in a connector file is refused, not expanded until the heap is gone. */
  @Example
  void aYamlAliasBombIsAClearErrorNotAnOutOfMemory() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int i = 1; i < 12; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ",").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    yaml.append("id: bomb\ntype: mlflow\n");
    Path file = write("bomb.yaml", yaml.toString());
    assertThatThrownBy(() -> LOADER.loadFile(file)).isInstanceOf(ConfigException.class).hasMessageContaining("bomb.yaml");
    List<RuleTestFile.Entry> entries = RuleTestFile.read(write("bomb-test.yaml", yaml.toString()), NOW);
    assertThat(entries).allSatisfy(e -> assertThat(e.testCase() == null ? e.error() : "ok").isNotBlank());
  }

  private static void connectorFile(String text) {
    Path file = write("fuzzed.yaml", text);
    try {
      assertThat(LOADER.loadFile(file)).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains("fuzzed.yaml"));
    }
  }

  private static void ruleTestFile(String text) {
    Path file = write("fuzzed-test.yaml", text);
    List<RuleTestFile.Entry> entries = RuleTestFile.read(file, NOW);
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.name()).isNotNull();
      assertThat(e.testCase() != null || (e.error() != null && !e.error().isBlank()))
          .as("a case is runnable or says why not: %s", e).isTrue();
    });
  }

  private static Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(Path root, String glob) {
    java.nio.file.PathMatcher matcher = root.getFileSystem().getPathMatcher("glob:" + glob);
    try (Stream<Path> all = Files.walk(root)) {
      List<Path> found = all.filter(p -> matcher.matches(root.relativize(p))).sorted().toList();
      assertThat(found).as("examples under %s", root).isNotEmpty();
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
