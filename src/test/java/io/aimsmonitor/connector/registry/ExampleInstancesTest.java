package io.aimsmonitor.connector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented example instances in connectors/ must stay valid: the product loads that folder at start. */
class ExampleInstancesTest {

  @ParameterizedTest
  @CsvSource({
      "kubeflow-prod.yaml, kubeflow-model-registry",
      "huggingface-acme.yaml, huggingface",
      "sagemaker-prod.yaml, sagemaker",
      "github-actions-acme.yaml, github-actions",
      "gitlab-ci-acme.yaml, gitlab-ci",
      "jenkins-ml.yaml, jenkins",
      "datahub-prod.yaml, datahub",
      "openmetadata-prod.yaml, openmetadata",
      "unity-catalog-prod.yaml, unity-catalog",
      "openlineage-prod.yaml, openlineage"})
  void exampleLoadsAndIsDisabled(String file, String type) throws Exception {
    ConnectorConfig config = new ConnectorConfigLoader(ConnectorTypes.discover()).loadFile(Path.of("connectors", file));

    assertEquals(type, config.type());
    assertFalse(config.enabled(), "examples must not run against systems that do not exist");
  }
}
