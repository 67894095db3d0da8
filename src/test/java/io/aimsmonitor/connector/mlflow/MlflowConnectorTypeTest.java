package io.aimsmonitor.connector.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration, option validation and the shipped mlflow configuration files. */
class MlflowConnectorTypeTest {

  private final ConnectorConfigLoader loader = new ConnectorConfigLoader(ConnectorTypes.discover(),
      io.aimsmonitor.demo.DemoServers.names());

  @TempDir
  Path dir;

  @Test
  void isRegisteredForServiceLoaderDiscovery() {
    assertThat(ConnectorTypes.discover().find("mlflow")).get().isInstanceOf(MlflowConnectorType.class);
  }

  @Test
  void theShippedDemoConfigurationIsValid() throws Exception {
    ConnectorConfig demo = loader.loadFile(Path.of("connectors/demo-mlflow.yaml"));

    assertThat(demo.id()).isEqualTo("demo-mlflow");
    assertThat(demo.type()).isEqualTo("mlflow");
    assertThat(demo.baseUrl()).as("names the demo replay, which the app starts on a free port")
        .isEqualTo(URI.create("demo://mlflow"));
    assertThat(demo.schedule()).isEqualTo("0 */15 * * * ?");
    assertThat(demo.expectedInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(demo.enabled()).isTrue();
    assertThat(MlflowOptions.from(demo)).isEqualTo(new MlflowOptions(null, 5, true, URI.create("demo://mlflow")));
  }

  @Test
  void theShippedConnectorsFolderLoadsWithBothMlflowInstances() throws Exception {
    assertThat(loader.load(Path.of("connectors"))).extracting(ConnectorConfig::id)
        .contains("demo-mlflow", "mlflow-databricks").doesNotHaveDuplicates();
  }

  @Test
  void theShippedDatabricksExampleIsValidAndDisabled() throws Exception {
    ConnectorConfig example = loader.loadFile(Path.of("connectors/mlflow-databricks.yaml"));

    assertThat(example.enabled()).isFalse();
    assertThat(example.auth().type()).isEqualTo("bearer");
    assertThat(example.auth().token().env()).isEqualTo("DATABRICKS_TOKEN");
    assertThat(MlflowOptions.from(example).fetchRuns()).isTrue();
  }

  @Test
  void everyBadOptionIsReportedWithTheFileAndKey() throws Exception {
    Path file = write("bad.yaml", """
        id: bad
        type: mlflow
        baseUrl: http://mlflow.internal:5000
        options:
          filter: [a, b]
          maxResults: 5000
          fetchRuns: "yes"
          uiUrl: ftp://mlflow.internal
          pageSize: 10
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.loadFile(file));

    assertThat(e.problems()).containsExactlyInAnyOrder(
        file.toAbsolutePath() + ": options.pageSize: unknown option (expected one of fetchRuns, filter, maxResults, namespace,"
            + " registeredByIsOwner, uiUrl)",
        file.toAbsolutePath() + ": options.filter: expected an MLflow search filter string such as \"name LIKE 'fraud-%'\","
            + " got '[a, b]'",
        file.toAbsolutePath() + ": options.maxResults: expected a whole number from 1 to 1000 (the page size), got '5000'",
        file.toAbsolutePath() + ": options.fetchRuns: expected true or false, got 'yes'",
        file.toAbsolutePath() + ": options.uiUrl: must be an http or https URL, got 'ftp://mlflow.internal'");
  }

  @Test
  void baseUrlIsRequiredAndOnlyBasicOrBearerAuthIsSupported() throws Exception {
    Path file = write("nourl.yaml", """
        id: nourl
        type: mlflow
        auth: {type: header, header: X-Api-Key, tokenEnv: KEY}
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.loadFile(file));

    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0)).startsWith(file.toAbsolutePath() + ": baseUrl: is required for type mlflow");
    assertThat(e.problems().get(1)).startsWith(file.toAbsolutePath() + ": auth.type: type mlflow supports none, basic");
  }

  @Test
  void providesTrainingRunsOnlyWhenRunsAreFetched() throws Exception {
    ConnectorConfig withRuns = loader.loadFile(write("a.yaml", "id: a\ntype: mlflow\nbaseUrl: http://m:5000\n"));
    ConnectorConfig without = loader.loadFile(write("b.yaml",
        "id: b\ntype: mlflow\nbaseUrl: http://m:5000\noptions: {fetchRuns: false}\n"));

    MlflowConnectorType type = new MlflowConnectorType();
    assertThat(type.provides(withRuns)).containsExactlyInAnyOrder(ModelVersion.class, TrainingRun.class);
    assertThat(type.provides(without)).containsExactly(ModelVersion.class);
    assertThat(MlflowOptions.from(withRuns)).isEqualTo(new MlflowOptions(null, 1000, true, URI.create("http://m:5000")));
  }

  @Test
  void aModelNameWithASingleQuoteIsQuotedWithDoubleQuotes() {
    assertThat(MlflowApi.nameEquals("fraud-detector")).isEqualTo("name='fraud-detector'");
    assertThat(MlflowApi.nameEquals("o'brien-scorer")).isEqualTo("name=\"o'brien-scorer\"");
  }

  private Path write(String name, String yaml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }
}
