package io.aimsmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Demo connectors name their replay ({@code demo://mlflow}); the replay listens on a port nobody else holds. */
class DemoServersTest {

  @TempDir
  Path dir;

  private final ConnectorConfigLoader loader = new ConnectorConfigLoader(ConnectorTypes.discover(), DemoServers.names());

  private ConnectorConfig demoInstance(String id, boolean enabled) throws Exception {
    Path file = dir.resolve(id + ".yaml");
    Files.writeString(file, "id: " + id + "\ntype: mlflow\nbaseUrl: demo://mlflow\nenabled: " + enabled + "\n");
    return loader.loadFile(file);
  }

  @Test
  void anEnabledDemoInstanceGetsAReplayOnAnEphemeralLoopbackPort() throws Exception {
    try (DemoServers servers = new DemoServers()) {
      ConnectorConfig wired = servers.wire(demoInstance("demo-a", true));

      URI url = wired.baseUrl();
      assertThat(url.getScheme()).isEqualTo("http");
      assertThat(url.getHost()).isEqualTo("127.0.0.1");
      assertThat(url.getPort()).isPositive().isNotEqualTo(5099);
      HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          url.resolve("/api/2.0/mlflow/registered-models/search")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(models.body()).contains("fraud-detector");
      assertThat(servers.wire(demoInstance("demo-b", true)).baseUrl()).as("one replay per name, shared").isEqualTo(url);
      assertThat(servers.count()).isEqualTo(1);
    }
  }

  @Test
  void aDisabledDemoInstanceStartsNothing() throws Exception {
    try (DemoServers servers = new DemoServers()) {
      assertThat(servers.wire(demoInstance("demo-off", false)).baseUrl()).isEqualTo(URI.create("demo://mlflow"));
      assertThat(servers.count()).isZero();
    }
  }

  @Test
  void twoProcessesOnOneHostEachReadTheirOwnReplayEvenWhenTheOldPortIsTaken() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        DemoServers first = new DemoServers(); DemoServers second = new DemoServers()) {
      URI a = first.wire(demoInstance("demo-a", true)).baseUrl();
      URI b = second.wire(demoInstance("demo-a", true)).baseUrl();
      assertThat(a.getPort()).isNotEqualTo(b.getPort()).isNotEqualTo(squatter.getLocalPort());
    }
  }

  @Test
  void closingStopsTheReplay() throws Exception {
    DemoServers servers = new DemoServers();
    URI url = servers.wire(demoInstance("demo-a", true)).baseUrl();
    servers.close();
    assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        url.resolve("/api/2.0/mlflow/registered-models/search")).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void anUnknownDemoNameIsRejectedNamingFileKeyAndTheKnownNames() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "id: typo\ntype: mlflow\nbaseUrl: demo://mlflw\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.loadFile(file));
    assertThat(e.problems()).singleElement().asString().contains("typo.yaml").contains("baseUrl")
        .contains("'demo://mlflw' names no demo server").contains("demo://mlflow");
  }

  @Test
  void aDemoNameIsRefusedWhereNoDemoServersAreOffered() throws Exception {
    Path file = dir.resolve("demo.yaml");
    Files.writeString(file, "id: demo\ntype: mlflow\nbaseUrl: demo://mlflow\n");
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> new ConnectorConfigLoader(ConnectorTypes.discover()).loadFile(file));
    assertThat(e.problems()).singleElement().asString().contains("baseUrl").contains("none available here");
  }

  @Test
  void aReplayIsAddedByOneEntryInTheRegistry() throws Exception {
    DemoMlflowServer[] started = new DemoMlflowServer[1];
    try (DemoServers servers = new DemoServers(Map.of("mlflow", port -> started[0] = DemoMlflowServer.start(port)))) {
      URI url = servers.wire(demoInstance("demo-a", true)).baseUrl();
      assertThat(url).isEqualTo(started[0].baseUrl());
      assertThat(servers.url("mlflow")).contains(url);
    }
  }
}
