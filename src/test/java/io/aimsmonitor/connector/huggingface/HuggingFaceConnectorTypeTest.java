package io.aimsmonitor.connector.huggingface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceConnectorTypeTest {

  @TempDir
  Path dir;

  @Test
  void validInstanceLoads() throws Exception {
    ConnectorConfig config = RegistryTestSupport.load(dir, "hf.yaml", """
        id: huggingface-acme
        type: huggingface
        baseUrl: https://huggingface.co
        auth: {type: bearer, tokenEnv: HF_TOKEN}
        options:
          organization: acme
          models: [meta-llama/Llama-3.1-8B-Instruct]
          pinnedRevisions:
            mistralai/Mistral-7B-Instruct-v0.3: e0bc86c23ce5aae1db576c8cca6f06f1f73af2db
          production: [meta-llama/Llama-3.1-8B-Instruct]
        """);

    assertEquals(Map.of("mistralai/Mistral-7B-Instruct-v0.3", "e0bc86c23ce5aae1db576c8cca6f06f1f73af2db"),
        config.options().get("pinnedRevisions"));
  }

  @Test
  void withoutOrganizationOrModelsNamesFileAndKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "hf.yaml", """
        id: huggingface-acme
        type: huggingface
        baseUrl: https://huggingface.co
        options:
          production: [acme/bert]
        """));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith(dir.resolve("hf.yaml").toAbsolutePath() + ": options.organization: "
        + "is required unless options.models"), e.getMessage());
  }

  @Test
  void badIdsAndMissingBaseUrlAreAllReported() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "hf.yaml", """
        id: huggingface-acme
        type: huggingface
        options:
          organization: acme/team
          models: ["../etc/passwd", acme/ok]
          pinnedRevisions: [not, a, map]
        """));

    String all = e.getMessage();
    assertEquals(4, e.problems().size(), all);
    assertTrue(all.contains(": baseUrl: is required"), all);
    assertTrue(all.contains("options.organization: 'acme/team' is not a Hub user or organization name"), all);
    assertTrue(all.contains("options.models: '../etc/passwd' is not a Hub model id"), all);
    assertTrue(all.contains("options.pinnedRevisions: expected a mapping"), all);
  }
}
