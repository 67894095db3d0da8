package io.aimsmonitor.connector.kubeflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.fact.ModelVersion;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeflowConnectorTypeTest {

  @TempDir
  Path dir;

  @Test
  void validInstanceLoads() throws Exception {
    ConnectorConfig config = RegistryTestSupport.load(dir, "kf.yaml", """
        id: kubeflow-prod
        type: kubeflow-model-registry
        baseUrl: https://model-registry.example.com/
        auth: {type: bearer, tokenEnv: KF_TOKEN}
        options:
          pageSize: 50
          uiUrl: https://kubeflow.example.com/model-registry/modelregistry-public
        """);

    assertEquals("https://model-registry.example.com", config.baseUrl().toString());
    assertEquals(Set.of(ModelVersion.class), new KubeflowConnectorType().provides(config));
  }

  @Test
  void missingBaseUrlNamesFileAndKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "kf.yaml", """
        id: kubeflow-prod
        type: kubeflow-model-registry
        """));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith(dir.resolve("kf.yaml").toAbsolutePath() + ": baseUrl: is required"),
        e.getMessage());
  }

  @Test
  void badOptionsAreAllReportedWithTheirKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "kf.yaml", """
        id: kubeflow-prod
        type: kubeflow-model-registry
        baseUrl: https://model-registry.example.com
        auth: {type: basic, username: u, passwordEnv: P}
        options:
          pageSize: 0
          uiUrl: ftp://example.com
          registry: other
        """));

    String all = e.getMessage();
    assertEquals(4, e.problems().size(), all);
    assertTrue(all.contains("options.pageSize: expected a whole number from 1 to 1000, got '0'"), all);
    assertTrue(all.contains("options.uiUrl: must be an http or https URL"), all);
    assertTrue(all.contains("options.registry: unknown option"), all);
    assertTrue(all.contains("auth.type: 'basic' is not supported"), all);
  }
}
