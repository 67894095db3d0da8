package io.aimsmonitor.verdicts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.cli.AimsCommand;
import io.aimsmonitor.cli.ExitCodes;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.schedule.Schedules;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.web.api.ConnectorsController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import picocli.CommandLine;

/**
 * Issue #8, item 7: a credential never leaks through a wrong setting. A token pasted into
 * {@code tokenEnv} or {@code tokenFile} fails {@code validate} naming file and key but not the
 * value, and wherever a reference is shown anyway (API, run errors, logs) it is masked.
 */
class CredentialSettingsTest {

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  // assembled at run time, so that secret scanners over the repository stay meaningful
  static final String GITHUB_TOKEN = "ghp" + "_" + "R7kq2Vx9".repeat(4) + "Ab12";
  static final String HEX_TOKEN = "3f9c0a7b".repeat(5);

  @Test
  void validateRejectsATokenInTokenEnvOrTokenFileWithoutShowingIt() throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors"));
    Files.writeString(connectors.resolve("leaky-env.yaml"), """
        id: leaky-env
        type: mlflow
        baseUrl: https://mlflow.example.com
        auth: {type: bearer, tokenEnv: "%s"}
        """.formatted(GITHUB_TOKEN));
    Files.writeString(connectors.resolve("leaky-file.yaml"), """
        id: leaky-file
        type: mlflow
        baseUrl: https://mlflow.example.com
        auth: {type: bearer, tokenFile: "%s"}
        """.formatted(HEX_TOKEN));
    Path rules = Files.createDirectories(dir.resolve("rules"));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("validate", "--connectors", connectors.toString(), "--rules", rules.toString());

    assertThat(exit).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("leaky-env.yaml: auth.tokenEnv: is not an environment variable name")
        .contains("leaky-file.yaml: auth.tokenFile: is not a file path");
    assertThat(out + err.toString()).doesNotContain(GITHUB_TOKEN).doesNotContain(HEX_TOKEN)
        .doesNotContain(HEX_TOKEN.substring(0, 12)).doesNotContain(GITHUB_TOKEN.substring(0, 12));
  }

  @Test
  void namesAndPathsPassAndAnythingElseIsMaskedWhereverAReferenceIsShown() {
    for (String name : List.of("MLFLOW_TRACKING_TOKEN", "HF_TOKEN", "DATABRICKS_WORKSPACE_01_TOKEN", "hf_token",
        "mlflow_prod_token_2024")) {
      assertThat(SecretRef.envNameProblem(name)).as(name).isNull();
      assertThat(new SecretRef(name, null).toString()).isEqualTo("env:" + name);
    }
    for (String path : List.of("/var/run/secrets/aims/mlflow-token", "token.txt", "../secrets/hf-token-2024")) {
      assertThat(SecretRef.pathProblem(path)).as(path).isNull();
    }
    for (String token : List.of(GITHUB_TOKEN, HEX_TOKEN, "Bearer abc", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.x1")) {
      assertThat(SecretRef.envNameProblem(token)).as(token).isNotNull().doesNotContain(token);
      assertThat(new SecretRef(token, null).toString()).doesNotContain(token).contains("masked");
      assertThat(new SecretRef(null, Path.of("/etc/aims", token)).toString()).doesNotContain(token);
    }
  }

  @Test
  void aTokenInTokenEnvIsMaskedInTheApiRunErrorsAndLogs() throws Exception {
    server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
        .withBody("{\"error_code\": \"UNAUTHENTICATED\", \"message\": \"bad token\"}")));
    // as a configuration that bypassed the loader (built in code, or an older file) would carry it
    ConnectorConfig leaky = new ConnectorConfig("leaky", "mlflow", URI.create(server.baseUrl()),
        new AuthConfig("bearer", new SecretRef(GITHUB_TOKEN, null), null, null, null), "0 0 * * * ?",
        Duration.ofHours(1), Duration.ofDays(1), true, null, Map.of(), dir.resolve("leaky.yaml"));
    ConnectorTypes types = ConnectorTypes.discover();

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger("io.aimsmonitor");
    logger.addAppender(logs);
    try {
      // the variable is not set: the run fails naming where the token should come from, masked
      CollectionResult unset = new CollectionRunner(types, new Secrets(Map.of()), Clock.systemUTC())
          .run(leaky, List.of(), true, () -> false);
      assertThat(unset.succeeded()).isFalse();
      assertThat(unset.error()).contains("masked").doesNotContain(GITHUB_TOKEN);

      // the "variable" exists: the request goes out, the server refuses it, and the error says where
      // the credentials came from, masked
      CollectionResult refused = new CollectionRunner(types, new Secrets(Map.of(GITHUB_TOKEN, "x")), Clock.systemUTC())
          .run(leaky, List.of(), true, () -> false);
      assertThat(refused.succeeded()).isFalse();
      assertThat(refused.errorReason()).isEqualTo("auth");
      assertThat(refused.error()).doesNotContain(GITHUB_TOKEN);
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(GITHUB_TOKEN));

    TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
    ConnectorsController api = new ConnectorsController(new ConnectorInstances(dir, List.of(leaky), types),
        store.snapshots(), new StaticListableBeanFactory().getBeanProvider(Schedules.class), store.evaluations(),
        new StaticListableBeanFactory().getBeanProvider(MonitorService.class),
        null /* list() records nothing in the audit log */);
    assertThat(api.list().get(0).credentials()).startsWith("bearer from env:").doesNotContain(GITHUB_TOKEN);
  }
}
