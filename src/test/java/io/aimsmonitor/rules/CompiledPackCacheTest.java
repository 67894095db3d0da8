package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.testing.RuleTestReport;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import io.aimsmonitor.testing.LogCapture;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiled packs are reused across loads by key, a changed pack is compiled again, a damaged
 * entry is ignored with a warning and rebuilt, and a pack loaded from the cache is the same pack.
 */
class CompiledPackCacheTest {

  @TempDir
  Path root;

  private Path pack(String drl) throws Exception {
    Path dir = Files.createDirectories(root.resolve("rules/test-pack"));
    Files.writeString(dir.resolve("pack.yaml"), "name: test-pack\ndescription: test\n");
    Files.writeString(dir.resolve("rules.drl"), drl);
    return dir;
  }

  private static RulePackLoader loader(CompiledPackCache cache) {
    return new RulePackLoader(ControlCatalog.bundled()).withCache(cache);
  }

  private List<Path> entries(Path cacheDir) throws Exception {
    if (!Files.isDirectory(cacheDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void aSecondLoadUsesTheCompiledClassesInsteadOfCompiling() throws Exception {
    Path dir = pack(Workbench.OWNER_RULE);
    Path cacheDir = root.resolve("cache");
    CompiledPackCache first = CompiledPackCache.at(cacheDir);
    RulePack compiled = loader(first).load(dir, Map.of());
    assertThat(first.misses()).isEqualTo(1);
    assertThat(entries(cacheDir)).singleElement().satisfies(p -> assertThat(p.toString()).endsWith(".jar"));

    CompiledPackCache second = CompiledPackCache.at(cacheDir); // as a new process would
    RulePack cached = loader(second).load(dir, Map.of());
    assertThat(second.hits()).isEqualTo(1);
    assertThat(second.misses()).isZero();
    assertThat(cached.rules()).isEqualTo(compiled.rules());
    assertThat(cached.contentHash()).isEqualTo(compiled.contentHash());
  }

  @Test
  void aChangedPackFileIsCompiledAgain() throws Exception {
    Path dir = pack(Workbench.OWNER_RULE);
    Path cacheDir = root.resolve("cache");
    loader(CompiledPackCache.at(cacheDir)).load(dir, Map.of());

    pack(Workbench.OWNER_RULE.replace("@severity(\"high\")", "@severity(\"medium\")"));
    CompiledPackCache cache = CompiledPackCache.at(cacheDir);
    RulePack changed = loader(cache).load(dir, Map.of());

    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.hits()).isZero();
    assertThat(changed.rules()).singleElement().satisfies(r -> assertThat(r.severity()).isEqualTo(Severity.MEDIUM));
    assertThat(entries(cacheDir)).hasSize(2);
  }

  @Test
  void aCorruptEntryIsIgnoredWithAWarningAndRebuilt() throws Exception {
    Path dir = pack(Workbench.OWNER_RULE);
    Path cacheDir = root.resolve("cache");
    loader(CompiledPackCache.at(cacheDir)).load(dir, Map.of());
    Path entry = entries(cacheDir).get(0);
    Files.write(entry, "not a compiled pack".getBytes());

    CompiledPackCache cache = CompiledPackCache.at(cacheDir);
    RulePack pack;
    LogCapture logs = LogCapture.of(CompiledPackCache.class, ch.qos.logback.classic.Level.WARN);
    try (logs) {
      pack = loader(cache).load(dir, Map.of());
    }

    assertThat(pack.rules()).extracting(RuleDefinition::id).containsExactly("test.production-has-owner");
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(logs.events()).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(e.getFormattedMessage()).contains(entry.toString()).contains("compiling the pack again");
    });
    CompiledPackCache next = CompiledPackCache.at(cacheDir);
    loader(next).load(dir, Map.of());
    assertThat(next.hits()).as("rebuilt in place, loadable by the next start").isEqualTo(1);
  }

  @Test
  void anUnwritableFolderOnlyMeansCompilingEveryTimeWithOneWarning() throws Exception {
    Path dir = pack(Workbench.OWNER_RULE);
    Path notAFolder = Files.writeString(root.resolve("file"), "x");
    CompiledPackCache cache = CompiledPackCache.at(notAFolder.resolve("cache"));
    LogCapture logs = LogCapture.of(CompiledPackCache.class, ch.qos.logback.classic.Level.WARN);
    try (logs) {
      assertThat(loader(cache).load(dir, Map.of()).rules()).hasSize(1);
      assertThat(loader(cache).load(dir, Map.of()).rules()).hasSize(1);
    }
    assertThat(cache.misses()).isEqualTo(2);
    assertThat(logs.events()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("cannot write").contains(CompiledPackCache.SETTING));
  }

  @Test
  void theFolderIsConfigurableAndDefaultsToTheUsersCacheNeverTheWorkingCopy() {
    assertThat(CompiledPackCache.configured("/srv/aims/packs", Map.of()).folder()).contains(Path.of("/srv/aims/packs"));
    assertThat(CompiledPackCache.configured("", Map.of()).enabled()).isFalse();
    assertThat(CompiledPackCache.configured(null, Map.of("XDG_CACHE_HOME", "/var/cache/u")).folder())
        .contains(Path.of("/var/cache/u/aims-monitor/compiled-packs"));
    Path home = Path.of(System.getProperty("user.home"));
    assertThat(CompiledPackCache.configured(null, Map.of()).folder())
        .contains(home.resolve(".cache/aims-monitor/compiled-packs").toAbsolutePath().normalize());
    assertThat(CompiledPackCache.configured(null, Map.of("XDG_CACHE_HOME", "relative")).folder())
        .as("a relative XDG_CACHE_HOME is invalid by its specification and ignored")
        .contains(home.resolve(".cache/aims-monitor/compiled-packs").toAbsolutePath().normalize());
  }

  /**
   * The shipped packs built as the executable model (what a cached load runs) have the same rules,
   * metadata and fact types as compiled from the DRL, and pass every one of their test cases, both
   * when compiled and when loaded from the cache.
   */
  @Test
  void theShippedPacksFromTheCacheAreTheSamePacks() throws Exception {
    Path cacheDir = root.resolve("cache");
    RuleBook drl = new RuleBook(Path.of("rules"), new RulePackLoader(ControlCatalog.bundled()), Map.of(), Clock.systemUTC());
    drl.reload();
    for (int pass = 0; pass < 2; pass++) {
      CompiledPackCache cache = CompiledPackCache.at(cacheDir);
      RuleBook cached = new RuleBook(Path.of("rules"), loader(cache), Map.of(), Clock.systemUTC());
      assertThat(cached.reload().rejected()).isEmpty();
      assertThat(cached.rules()).isEqualTo(drl.rules());
      assertThat(pass == 0 ? cache.misses() : cache.hits()).isEqualTo(drl.allPacks().size());

      RuleTestReport report = new RuleTestRunner(loader(CompiledPackCache.at(cacheDir)), new Evaluator(),
          Clock.systemUTC()).run(Path.of("rules"));
      assertThat(report.cases()).isNotEmpty();
      assertThat(report.cases().stream().filter(c -> c.outcome() != RuleTestReport.Outcome.PASSED)
          .map(c -> c.pack() + ": " + c.name() + ": " + (c.error() != null ? c.error() : c.missing() + " " + c.unexpected())))
          .isEmpty();
    }
  }
}
