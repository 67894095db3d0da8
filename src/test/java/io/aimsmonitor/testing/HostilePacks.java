package io.aimsmonitor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rule packs that would hang or exhaust an unguarded evaluation: one per guard. Each names its
 * culprit rule, so that tests can check the failure message names it. Test cases under
 * {@code tests/} give each a fact to work on, so that {@code validate} and {@code test-rules}
 * run them too.
 */
public enum HostilePacks {

  /** {@code update} without {@code no-loop}: fires forever, one cheap firing at a time. */
  LOOPING("loop.touch-forever", "firings", """
      when
        $m : ModelVersion()
      then
        update($m);
      """),

  /** A consequence that never returns: nothing inside Java can interrupt it. */
  ENDLESS("endless.spin", "timeout", """
      when
        $m : ModelVersion()
      then
        while (true) { }
      """),

  /** A consequence that keeps inserting facts until the heap is gone. */
  INSERTING("flood.insert", "inserted_facts", """
      when
        $m : ModelVersion()
      then
        for (long i = 0; ; i++) { insert(new Junk(i)); }
      """);

  public final String rule;
  public final String guard;
  private final String body;

  HostilePacks(String rule, String guard, String body) {
    this.rule = rule;
    this.guard = guard;
    this.body = body;
  }

  /** The pack's folder name. */
  public String pack() {
    return "hostile-" + name().toLowerCase(java.util.Locale.ROOT);
  }

  public String drl() {
    return """
        package test.hostile.%s;
        import io.aimsmonitor.fact.ModelVersion;
        global io.aimsmonitor.rules.Violations violations;
        declare Junk
          n : long
        end
        rule "%s"
          @control("A.6.2.6") @severity("low") @title("Hostile rule") @remediation("Fix the rule.")
        %send
        """.formatted(name().toLowerCase(java.util.Locale.ROOT), rule, body);
  }

  /** pack.yaml with a small budget, so that tests trip it in seconds even on a loaded machine. */
  public static final String LIMITS = "limits: {timeout: 3s, maxFirings: 1000, maxInsertedFacts: 1000}\n";

  /** A test case with one production model version, so that test-rules and validate evaluate the pack. */
  public static final String CASE = """
      cases:
        - name: one production model
          given:
            - {kind: ModelVersion, registry: mlflow, modelName: m, version: "1", stage: Production, owners: [a]}
          expect: []
      """;

  /** Writes the pack under {@code rules}; returns its folder. */
  public Path write(Path rules) {
    try {
      Path dir = Files.createDirectories(rules.resolve(pack()));
      Files.writeString(dir.resolve("pack.yaml"), "name: " + pack() + "\n" + LIMITS);
      Files.writeString(dir.resolve("rules.drl"), drl());
      Files.createDirectories(dir.resolve("tests"));
      Files.writeString(dir.resolve("tests/case.yaml"), CASE);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
