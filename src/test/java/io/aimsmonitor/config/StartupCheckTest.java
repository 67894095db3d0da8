package io.aimsmonitor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The check {@code serve} runs before it starts: the shipped settings pass it (a false alarm would
 * keep a good installation from starting), and every settings record of ours is found and bound.
 */
class StartupCheckTest {

  @TempDir
  Path dir;

  private StandardEnvironment shipped(Map<String, Object> overrides) throws Exception {
    StandardEnvironment env = new StandardEnvironment();
    new YamlPropertySourceLoader().load("application.yaml", new ClassPathResource("application.yaml"))
        .forEach(env.getPropertySources()::addLast);
    env.getPropertySources().addFirst(new MapPropertySource("test", overrides));
    return env;
  }

  @Test
  void theShippedSettingsPass() throws Exception {
    assertThat(StartupCheck.problems(shipped(Map.of("aims.data-dir", dir.toString())))).isEmpty();
    assertThat(StartupCheck.settingsTypes()).contains(AimsProperties.class, io.aimsmonitor.web.RequestLimitProperties.class)
        .hasSizeGreaterThanOrEqualTo(7);
  }

  @Test
  void aBadSettingIsOneLineNamingWhereItWasSetAndTheKey() throws Exception {
    var problems = StartupCheck.problems(shipped(Map.of("aims.data-dir", dir.toString(),
        "aims.retention.keep-runs", "many")));
    assertThat(problems).singleElement().asString().contains("aims.retention.keep-runs").contains("'many'")
        .contains("test").doesNotContain("\n");
  }
}
