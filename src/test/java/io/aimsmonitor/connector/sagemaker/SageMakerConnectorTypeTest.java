package io.aimsmonitor.connector.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SageMakerConnectorTypeTest {

  @TempDir
  Path dir;

  @Test
  void validInstanceWithoutBaseUrlLoads() throws Exception {
    ConnectorConfig config = RegistryTestSupport.load(dir, "sm.yaml", """
        id: sagemaker-prod
        type: sagemaker
        auth: {type: aws}
        options:
          region: eu-west-1
          groups: [fraud-detector]
          latestApprovedIsProduction: false
        """);

    assertNull(config.baseUrl(), "the SDK resolves the regional endpoint");
    assertEquals("aws", config.auth().type());
  }

  @Test
  void missingRegionNamesFileAndKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "sm.yaml", """
        id: sagemaker-prod
        type: sagemaker
        """));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals(dir.resolve("sm.yaml").toAbsolutePath() + ": options.region: is required", e.problems().get(0));
  }

  @Test
  void badValuesAreAllReported() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "sm.yaml", """
        id: sagemaker-prod
        type: sagemaker
        auth: {type: bearer, tokenEnv: AWS_TOKEN}
        options:
          region: Europe
          pageSize: 500
          latestApprovedIsProduction: "yes"
        """));

    String all = e.getMessage();
    assertEquals(4, e.problems().size(), all);
    assertTrue(all.contains("auth.type: 'bearer' is not supported by type sagemaker"), all);
    assertTrue(all.contains("options.region: 'Europe' is not an AWS region"), all);
    assertTrue(all.contains("options.pageSize: expected a whole number from 1 to 100"), all);
    assertTrue(all.contains("options.latestApprovedIsProduction: expected true or false"), all);
  }
}
